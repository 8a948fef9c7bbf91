// Which wire form exec and port-forward use: WebSocket, SPDY/3.1 after an HTTP Upgrade, or
// SPDY/3.1 tunnelled in WebSocket messages. `--transport auto` picks per op and server version
// (what each form can do there, and what measured fastest), and falls back to the next form
// only when the server refused the upgrade itself, before anything ran.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/client.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/ops/common.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct ServerVersion {
  int major = 0;
  int minor = 0;
  std::string git_version;  // "v1.20.2"
  bool at_least(int want_major, int want_minor) const {
    return major > want_major || (major == want_major && minor >= want_minor);
  }
};

// GET /version. Minor versions like "20+" (managed clusters) count as 20.
ORKA_API Result<ServerVersion> fetch_server_version(Client& client, const CancelToken& cancel);

// Where an op gets the server version from: Services::server_version in a plugin (asked once per
// host); empty: the op asks the server itself (fetch_server_version).
using ServerVersionSource = std::function<Result<ServerVersion>(const CancelToken&)>;
ORKA_API Result<ServerVersion> parse_server_version(std::string_view json_body);

enum class WireTransport { WebSocket, Spdy, SpdyOverWebSocket };
// "WebSocket", "SPDY/3.1", "SPDY/3.1 over WebSocket".
ORKA_API std::string_view to_string(WireTransport wire);

// "auto", "websocket", "spdy".
ORKA_API std::string_view to_string(StreamTransport transport);
// Usage error naming the accepted values otherwise.
ORKA_API Result<StreamTransport> parse_stream_transport(std::string_view text);

struct TransportAttempt {
  WireTransport wire = WireTransport::WebSocket;
  std::vector<std::string> protocols;  // offered, preferred first
};

struct TransportPlan {
  std::vector<TransportAttempt> attempts;  // in order; the next one only after a refusal
  std::string reason;                      // one line for -v and `orka ops caps`
};

// "SPDY/3.1, then WebSocket (reason)" for -v lines.
ORKA_API std::string describe(const TransportPlan& plan);

// exec: WebSocket v5 where the server has it (it can close stdin); on older servers SPDY when
// stdin is attached (v4 WebSockets cannot signal EOF), else the faster measured form.
// `server` is nullopt when the version is unknown.
ORKA_API TransportPlan plan_exec_transport(StreamTransport requested,
                                           const std::optional<ServerVersion>& server,
                                           bool stdin);
// port-forward: SPDY over WebSocket where offered (>= 1.31), else SPDY, else WebSocket.
ORKA_API TransportPlan plan_forward_transport(StreamTransport requested,
                                              const std::optional<ServerVersion>& server);

// True when an upgrade failed because the server (or a proxy) does not speak the offered
// protocol — refused before any command started, so trying the next form is safe. False for
// API errors with a Status (pod not found, RBAC), auth failures and cancellation.
ORKA_API bool is_protocol_refusal(const Error& error);

// True when the next attempt of a plan may follow this failed one: a protocol refusal, or a
// client that cannot open this wire form at all (Unsupported, e.g. a Client written before
// open_multiplexed). Either way nothing reached the container yet.
ORKA_API bool may_try_next_transport(const Error& error);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
