// Client WebSocket over an established Connection (RFC 6455), with Kubernetes' subprotocol
// negotiation. Internal to liborka.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "kubeconfig/rest_config.hpp"
#include "orka/client.hpp"
#include "orka/keepalive.hpp"
#include "transport/connection.hpp"
#include "transport/websocket_frame.hpp"

namespace orka::core {

struct WebSocketOptions {
  // A Ping is sent once receive() has waited this long with nothing arriving, and again every
  // interval while that lasts (never into a busy connection); zero: never. Pings, Pongs and the
  // Close frame are written by one small control thread per WebSocket (joined on close and
  // destruction, never detached), so the thread in receive() never blocks in a write. The returned WebSocket is also a
  // KeepaliveControl (orka/keepalive.hpp): ops change the interval with `--keepalive`. While
  // receive() waits, silence for keepalive_dead_after(interval) ends the connection as dead.
  std::chrono::milliseconds ping_interval = kDefaultKeepalive;
  // The server must answer the Upgrade within this time (zero: no limit). Afterwards reads
  // have no time limit: an exec or a forward may stay quiet for hours.
  std::chrono::milliseconds handshake_timeout{30000};
  // A received message larger than this is a protocol error (memory stays bounded).
  std::size_t max_message_size = kWsDefaultMaxMessageSize;
};

// Performs the HTTP/1.1 Upgrade handshake on `connection` (offering request.protocols in one
// Sec-WebSocket-Protocol header, with the credentials' Authorization header) and returns the
// WebSocket. Non-101 answers become Errors via error_from_http (Status body decoded). The
// server must choose one of the offered protocols (when any were offered) and prove the key.
//
// The returned WebSocket:
// - send() may run on one thread while another is in receive(); frames are masked as RFC 6455
//   requires of clients.
// - receive() answers Pings itself and returns a Close message when the server closes; after a
//   local close() it returns a Close message carrying the local code, so a reader loop ends the
//   same way on either side's close. A cancelled `cancel` shuts the connection down and
//   receive()/send() fail with Cancelled.
// - close() works from any thread and never blocks for long: it sends a Close frame when the
//   send path is free, then shuts the connection down.
Result<std::unique_ptr<WebSocket>> websocket_connect(std::unique_ptr<Connection> connection,
                                                     const std::string& host_header,
                                                     const std::string& path_prefix,
                                                     const UpgradeRequest& request,
                                                     const Credentials& credentials,
                                                     const CancelToken& cancel,
                                                     const WebSocketOptions& options = {});

// base64(SHA-1(key + RFC 6455 GUID)): the Sec-WebSocket-Accept a server must answer with.
std::string websocket_accept_for_key(std::string_view key);

}  // namespace orka::core
