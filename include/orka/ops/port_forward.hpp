// The port-forward op: port mappings, options and the events a forward reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/op.hpp"
#include "orka/ops/common.hpp"
#include "orka/stream.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct PortMapping {
  std::uint16_t local_port = 0;  // 0: pick a free port and report it in Ready
  std::string remote;            // a port number, or a named port (services, containers)
};

struct ForwardOptions {
  std::vector<std::string> addresses{"127.0.0.1"};
  StreamTransport transport = StreamTransport::Auto;
  CancelToken cancel;  // ends the forward, as Stream::cancel() does
};

struct ForwardEvent {
  enum class Type { Ready, ConnectionOpened, ConnectionClosed, ConnectionError, Retargeted, Closed };
  Type type = Type::Ready;
  std::string local_address;
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
  std::uint64_t connection = 0;  // connection id, for Connection* events
  std::uint64_t bytes_in = 0;    // pod → local client
  std::uint64_t bytes_out = 0;   // local client → pod
  std::string pod;
  std::string message;  // error text, Closed reason, Retargeted description
  std::string transport;  // Ready and Retargeted: the wire form in use, e.g. "SPDY/3.1"
};
ORKA_API std::string_view to_string(ForwardEvent::Type type);

struct ForwardRequest {
  ObjectRef target;  // a pod, TYPE/NAME of a workload, or svc/NAME
  std::vector<PortMapping> ports;
  ForwardOptions options;
};

// Listens on the local ports and forwards each accepted connection to the target's pod. A
// connection's failure is an event; the forward ends on cancel (Stream::cancel), or when a bare
// pod goes away (workloads and services are re-resolved to a new ready pod).
// Invalid fields: ports (none, or a local port twice), addresses (empty).
struct ForwardOp : TypedOp<ForwardRequest, Stream<ForwardEvent>> {
  static constexpr OpId kId{"pf", 1};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
