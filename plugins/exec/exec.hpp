// The exec op: a command in a container as a DuplexStream (output chunks out, stdin/resize/close
// in, the remote exit status at the end), over WebSocket or SPDY/3.1 as the transport plan says.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orka/client.hpp"
#include "orka/ops.hpp"

namespace orka::streaming {

using ClientSource = std::function<Result<std::shared_ptr<Client>>()>;
// One diagnostic line at a verbosity level (services.log in the plugin).
using Diagnostics = std::function<void(int level, std::string_view line)>;

class ExecOps final : public OrkaOps {
 public:
  explicit ExecOps(ClientSource client_source, Diagnostics diagnostics = {})
      : client_source_(std::move(client_source)), diagnostics_(std::move(diagnostics)) {}

  // Connecting fails fast (the stream is failed with the API's error). With transport Auto the
  // server version picks the wire form; a form the server refuses falls back to the plan's next.
  // Afterwards the outcome is the remote ExecStatus (its exit code), or an Error when the
  // command could not start. close_write() on a v4 WebSocket answers Unsupported: that protocol
  // cannot signal EOF (SPDY and v5 can).
  DuplexStream<ExecChunk, ExecStatus> exec(const PodRef& pod, const std::string& container,
                                           const std::vector<std::string>& command,
                                           const ExecOptions& options) override;

 private:
  void log(int level, std::string_view line) const {
    if (diagnostics_) diagnostics_(level, line);
  }

  ClientSource client_source_;
  Diagnostics diagnostics_;
};

std::string exec_path(const std::string& namespace_, const std::string& pod,
                      const std::string& container, const std::vector<std::string>& command,
                      const ExecOptions& options);

}  // namespace orka::streaming
