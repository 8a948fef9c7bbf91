// The HTTP/1.1 Upgrade request both WebSocket and SPDY/3.1 start with: one request writer, the
// response head and a refused upgrade's error body read by the checked ResponseReader, under
// one deadline. Internal to liborka.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "kubeconfig/rest_config.hpp"
#include "orka/cancel.hpp"
#include "orka/client.hpp"
#include "transport/connection.hpp"
#include "transport/http_message.hpp"

namespace orka::core {

// A refused upgrade's body is a Status of a few hundred bytes; 64 KiB holds the longest message
// an API server or kubelet writes there, and no more of a hostile answer is read.
inline constexpr std::size_t kMaxUpgradeErrorBody = 64 * 1024;

struct UpgradeSpec {
  std::string_view method;  // "GET" for WebSocket, "POST" for SPDY (as kubectl)
  std::string_view protocol_name;  // "WebSocket", "SPDY": named in errors and hints
  Headers upgrade_headers;  // Upgrade, Connection and the protocol's own headers
  // The whole answer (head, and a refusal's body) must arrive within this time; zero: no limit.
  std::chrono::milliseconds answer_timeout{0};
};

struct UpgradeAnswer {
  ResponseHead head;        // status 101; the caller checks the protocol's own headers
  std::string early_bytes;  // bytes read past the head: the upgraded protocol's first frames
};

// "<protocol_name> upgrade failed: <message>", the form of every handshake error.
Error upgrade_error(std::string_view protocol_name, ErrorKind kind, std::string_view message);

// Sends `spec.method <path_prefix + request.path>` with spec.upgrade_headers, the credentials'
// Authorization, request.headers and a User-Agent, and reads the answer. A line break in any
// of them is refused before anything is sent. A non-101 answer becomes an Error via
// error_from_http (its Status body read up to kMaxUpgradeErrorBody); a body that cannot be read
// (malformed chunks, too large) is an error saying so. Cancellation shuts the connection down.
// On success the connection has no read timeout again.
Result<UpgradeAnswer> http_upgrade(Connection& connection, const std::string& host_header,
                                   const std::string& path_prefix, const UpgradeRequest& request,
                                   const Credentials& credentials, const CancelToken& cancel,
                                   const UpgradeSpec& spec);

}  // namespace orka::core
