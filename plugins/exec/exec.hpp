// The exec op: a command in a container as a DuplexStream (output chunks out, stdin/resize/close
// in, the remote exit status at the end), over WebSocket or SPDY/3.1 as the transport plan says.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orka/client.hpp"
#include "orka/keepalive.hpp"
#include "orka/ops.hpp"
#include "orka/ops/exec_v2.hpp"
#include "orka/transport_choice.hpp"

namespace orka::streaming {

using ClientSource = std::function<Result<std::shared_ptr<Client>>()>;
// One diagnostic line at a verbosity level (services.log in the plugin).
using Diagnostics = std::function<void(int level, std::string_view line)>;

// The request's own rules (field errors), checked before any request is sent.
Result<void> validate_exec_request(const ExecRequest& request);

class ExecOps final : public ExecOp {
 public:
  explicit ExecOps(ClientSource client_source, Diagnostics diagnostics = {},
                   ServerVersionSource server_version = {})
      : client_source_(std::move(client_source)),
        diagnostics_(std::move(diagnostics)),
        server_version_(std::move(server_version)) {}

  // The pod (a workload's oldest ready one) and the container (the pod's default when none is
  // named) are chosen first and handed to options.on_target. Connecting fails fast (the stream
  // is failed with the API's error). With transport Auto the server version picks the wire
  // form; a form the server refuses falls back to the plan's next. Afterwards the outcome is the
  // remote ExecStatus (its exit code), or an Error when the command could not start.
  // close_write() on a v4 WebSocket answers Unsupported: that protocol cannot signal EOF (SPDY
  // and v5 can).
  DuplexStream<ExecChunk, ExecStatus> run(const ExecRequest& request) override {
    return run(request, kDefaultKeepalive);
  }
  // The same with keepalive pings every `keepalive` (zero: none) on the session's connection.
  DuplexStream<ExecChunk, ExecStatus> run(const ExecRequest& request,
                                          std::chrono::milliseconds keepalive);

  // The simple case, once the pod is known: `command` in `container` of `pod` (an empty
  // container: the one the server picks).
  DuplexStream<ExecChunk, ExecStatus> exec(const PodRef& pod, const std::string& container,
                                           const std::vector<std::string>& command,
                                           const ExecOptions& options) {
    auto client = client_source_();
    if (!client) return DuplexStream<ExecChunk, ExecStatus>::failed(client.error());
    const PodRef in{pod.namespace_.empty() ? (*client)->default_namespace() : pod.namespace_, pod.name};
    return exec(**client, in, container, command, options, kDefaultKeepalive);
  }

 private:
  Result<ExecTarget> resolve_target(Client& client, const std::string& namespace_,
                                    const ExecRequest& request);
  DuplexStream<ExecChunk, ExecStatus> exec(Client& client, const PodRef& pod,
                                           const std::string& container,
                                           const std::vector<std::string>& command,
                                           const ExecOptions& options,
                                           std::chrono::milliseconds keepalive);
  void log(int level, std::string_view line) const {
    if (diagnostics_) diagnostics_(level, line);
  }

  ClientSource client_source_;
  Diagnostics diagnostics_;
  ServerVersionSource server_version_;
};

// Version 2 (ExecOpV2: the keepalive interval), run by the version 1 implementation.
class ExecOpsV2 final : public ExecOpV2 {
 public:
  explicit ExecOpsV2(std::shared_ptr<ExecOps> ops) : ops_(std::move(ops)) {}
  DuplexStream<ExecChunk, ExecStatus> run(const ExecRequestV2& request) override;

 private:
  std::shared_ptr<ExecOps> ops_;
};

// What a session that ended before the remote command's status says. orka speaks only v4 and
// v5 of the channel protocol, over which the kubelet always sends a status, Success included:
// without one the command's outcome is unknown, and exit 0 would be a guess.
Error missing_exec_status();

std::string exec_path(const std::string& namespace_, const std::string& pod,
                      const std::string& container, const std::vector<std::string>& command,
                      const ExecOptions& options);

}  // namespace orka::streaming
