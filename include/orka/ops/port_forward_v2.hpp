// Version 2 of the port-forward op: version 1's request with the keepalive interval
// (`--keepalive`). Provided beside version 1 (docs/plugins.md: an op interface never changes; a
// new request field is a new interface version), so callers built against either keep working.
#pragma once

#include <chrono>

#include "orka/keepalive.hpp"
#include "orka/ops/port_forward.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct ForwardRequestV2 {
  ForwardRequest forward;
  // A keepalive ping this often on every connection the forward holds to the API server (the
  // shared SPDY connection, or each local connection's WebSocket); zero: none. A connection
  // whose pings go unanswered for keepalive_dead_after(keepalive) fails: its local connections
  // get a ConnectionError, and the forward opens a new one for the next. Version 1 uses
  // kDefaultKeepalive.
  std::chrono::milliseconds keepalive = kDefaultKeepalive;
};

// Invalid fields: those of version 1, and keepalive (negative).
struct ForwardOpV2 : TypedOp<ForwardRequestV2, Stream<ForwardEvent>> {
  static constexpr OpId kId{"pf", 2};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
