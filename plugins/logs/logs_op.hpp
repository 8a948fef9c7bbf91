// The logs op: the logs of a pod, a workload or a label selector as one stream of events.
// Everything `orka ops logs` does is here, so a GUI calling the op gets the same: the target
// resolved to pods and containers, the stream limit, each stream's lines resumed across cut
// connections, pods that appear later followed too (with follow and a selector or workload),
// and each stream's end or failure reported as an event while the others go on.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "logs.hpp"
#include "orka/client.hpp"
#include "orka/op.hpp"
#include "orka/ops/logs.hpp"
#include "orka/ops/logs_v2.hpp"

namespace orka::streaming {

using ClientSource = std::function<Result<std::shared_ptr<Client>>()>;

// The request's own rules (field errors), checked before any request is sent.
Result<void> validate_logs_request(const LogsRequest& request);

// The containers of `pod` the request names (none when the named container is not in it).
std::vector<std::string> containers_for(const nlohmann::json& pod, const LogsRequest& request);

class LogsOps final : public LogsOp {
 public:
  explicit LogsOps(ClientSource client_source) : client_source_(std::move(client_source)) {}

  // Resolving the target (and refusing more streams than max_streams) happens before run()
  // returns; its failure is the stream's error.
  Stream<LogEvent, LogsOutcome> run(const LogsRequest& request) override;
  // Version 2's call: the same with the structured-log rules (version 1 runs it with none).
  Stream<LogEvent, LogsOutcome> run_structured(const LogsRequest& request,
                                               const StructuredLogOptions& structured);

  // How often the pods of a followed selector or workload are listed again.
  std::chrono::milliseconds pod_poll_interval{2000};
  // How each followed stream waits for its container's next instance (and says so at -v).
  RestartFollowing restart_following;

 private:
  ClientSource client_source_;
};

// The logs op's version 2 (orka/ops/logs_v2.hpp), provided beside version 1 by the same
// implementation.
class LogsOpsV2 final : public LogsOpV2 {
 public:
  explicit LogsOpsV2(std::shared_ptr<LogsOps> logs) : logs_(std::move(logs)) {}
  Stream<LogEvent, LogsOutcome> run(const LogsRequestV2& request) override {
    return logs_->run_structured(request.base, request.structured);
  }

 private:
  std::shared_ptr<LogsOps> logs_;
};

}  // namespace orka::streaming
