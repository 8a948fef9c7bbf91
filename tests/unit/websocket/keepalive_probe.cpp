// Not a plugin: a module built exactly like one (hidden visibility, its own copy of every inline
// function and of KeepaliveControl's typeinfo), that probes a WebSocket made by another module
// the way the exec and pf plugins do. tests/unit/websocket loads it to show the dynamic_cast
// crosses the module boundary. Kept out of tests/plugins, whose every module the host tests load.
#include <chrono>

#include "orka/client.hpp"
#include "orka/keepalive.hpp"

// 1: the socket is a KeepaliveControl (now pinging every `interval_ms`); 0: it is not.
extern "C" __attribute__((visibility("default"))) int orka_test_keepalive_probe(
    orka::WebSocket* socket, long long interval_ms) {
  return orka::apply_keepalive(*socket, std::chrono::milliseconds(interval_ms)) ? 1 : 0;
}
