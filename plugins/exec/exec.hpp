// The exec op: a command in a container over one WebSocket (v5.channel.k8s.io, else v4), as a
// DuplexStream: output chunks out, stdin/resize/close in, the remote exit status at the end.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "orka/client.hpp"
#include "orka/ops.hpp"

namespace orka::streaming {

using ClientSource = std::function<Result<std::shared_ptr<Client>>()>;

class ExecOps final : public OrkaOps {
 public:
  explicit ExecOps(ClientSource client_source) : client_source_(std::move(client_source)) {}

  // Connecting fails fast (the stream is failed with the API's error). Afterwards the outcome
  // is the remote ExecStatus (its exit code), or an Error when the command could not start.
  // close_write() on a v4 connection answers Unsupported: that protocol cannot signal EOF.
  DuplexStream<ExecChunk, ExecStatus> exec(const PodRef& pod, const std::string& container,
                                           const std::vector<std::string>& command,
                                           const ExecOptions& options) override;

 private:
  ClientSource client_source_;
};

std::string exec_path(const std::string& namespace_, const std::string& pod,
                      const std::string& container, const std::vector<std::string>& command,
                      const ExecOptions& options);

// Reads the session until the server ends it, pushing output and returning the status.
// Separate from the op so the tests can drive it with a scripted WebSocket.
Result<ExecStatus> pump_exec_output(WebSocket& socket, StreamWriter<ExecChunk>& out);

}  // namespace orka::streaming
