// The port-forward op: local listeners and, per accepted TCP connection, either a WebSocket to
// pods/portforward or a stream pair on the forward's shared SPDY connection (the transport is
// chosen once when the forward starts); lifecycle events on a Stream<ForwardEvent>. A connection's failure is an event;
// the forward ends only on cancel, or when a bare pod goes away (workloads and services are
// re-resolved to a new ready pod).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "orka/client.hpp"
#include "forward_transport.hpp"
#include "orka/keepalive.hpp"
#include "orka/ops.hpp"
#include "orka/ops/port_forward_v2.hpp"
#include "orka/pod_targets.hpp"

namespace orka::streaming {

using ClientSource = std::function<Result<std::shared_ptr<Client>>()>;

// The request's own rules (field errors), checked before anything listens.
Result<void> validate_forward_request(const ForwardRequest& request);

class ForwardOps final : public ForwardOp {
 public:
  explicit ForwardOps(ClientSource client_source, ForwardDiagnostics diagnostics = {},
                      ServerVersionSource server_version = {})
      : client_source_(std::move(client_source)),
        diagnostics_(std::move(diagnostics)),
        server_version_(std::move(server_version)) {}

  Stream<ForwardEvent> run(const ForwardRequest& request) override {
    return run(request, kDefaultKeepalive);
  }
  // The same with keepalive pings every `keepalive` (zero: none) on every connection to the
  // API server.
  Stream<ForwardEvent> run(const ForwardRequest& request, std::chrono::milliseconds keepalive);

 private:
  ClientSource client_source_;
  ForwardDiagnostics diagnostics_;
  ServerVersionSource server_version_;
};

// Version 2 (ForwardOpV2: the keepalive interval), run by the version 1 implementation.
class ForwardOpsV2 final : public ForwardOpV2 {
 public:
  explicit ForwardOpsV2(std::shared_ptr<ForwardOps> ops) : ops_(std::move(ops)) {}
  Stream<ForwardEvent> run(const ForwardRequestV2& request) override;

 private:
  std::shared_ptr<ForwardOps> ops_;
};

// Where connections go right now: a pod and, per mapping, the container port.
struct ForwardDestination {
  std::string pod;
  std::string uid;
  std::vector<std::uint16_t> remote_ports;
};

Result<ForwardDestination> resolve_destination(Client& client, const std::string& namespace_,
                                               const PodTarget& target,
                                               const std::vector<PortMapping>& ports,
                                               const CancelToken& cancel);

// ObjectRef{type, name} → PodTarget (services allowed).
Result<PodTarget> forward_target(const ObjectRef& ref);

}  // namespace orka::streaming
