// Version 2 of the exec op: version 1's request with the keepalive interval (`--keepalive`).
// Provided beside version 1 (docs/plugins.md: an op interface never changes; a new request
// field is a new interface version), so callers built against either keep working.
#pragma once

#include <chrono>

#include "orka/keepalive.hpp"
#include "orka/ops/exec.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct ExecRequestV2 {
  ExecRequest exec;
  // A keepalive ping this often on the session's connection (WebSocket Ping or SPDY PING);
  // zero: none. A session whose pings go unanswered for keepalive_dead_after(keepalive) ends
  // with an error, never with a made-up exit status. Version 1 uses kDefaultKeepalive.
  std::chrono::milliseconds keepalive = kDefaultKeepalive;
};

// Invalid fields: those of version 1, and keepalive (negative).
struct ExecOpV2 : TypedOp<ExecRequestV2, DuplexStream<ExecChunk, ExecStatus>> {
  static constexpr OpId kId{"exec", 2};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
