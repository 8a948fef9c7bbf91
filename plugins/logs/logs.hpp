// The logs op: one container's log as a Stream<LogChunk>, resumed across broken connections.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "orka/client.hpp"
#include "orka/ops.hpp"

namespace orka::streaming {

using ClientSource = std::function<Result<std::shared_ptr<Client>>()>;

class LogsOps final : public OrkaOps {
 public:
  explicit LogsOps(ClientSource client_source) : client_source_(std::move(client_source)) {}

  // The stream ends when the log ends (without follow), when the container stops or the pod
  // is deleted (with follow), or on cancel. A cut connection is reopened from the last
  // timestamp seen; lines already delivered are not delivered again.
  Stream<LogChunk> logs(const PodRef& pod, const std::string& container,
                        const LogOptions& options) override;

 private:
  ClientSource client_source_;
};

// The request path of one log request; `since_time` overrides the options' since/tail (resume).
std::string log_path(const std::string& namespace_, const std::string& pod,
                     const std::string& container, const LogOptions& options,
                     const std::string& resume_since_time);

}  // namespace orka::streaming
