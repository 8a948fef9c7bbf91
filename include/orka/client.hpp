// The Kubernetes API client interface: the seam between ops and the network.
// Ops talk only to this interface; unit tests mock it with trompeloeil.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "orka/api_path.hpp"
#include "orka/cancel.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/multiplex.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string path;  // ApiPath::str(), e.g. "/api/v1/namespaces/web/pods?limit=1"
  std::string body;
  std::string content_type;  // e.g. "application/merge-patch+json"; empty when no body
  std::string accept = "application/json";
  Headers headers;  // extra headers
  // Read timeout for each socket read; zero means none (watches, followed logs).
  std::chrono::milliseconds timeout{30000};
  // What this request needs, so a 403 can name the missing permission.
  std::optional<Permission> permission;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;

  // Case-insensitive lookup; empty when absent.
  ORKA_API std::string header(std::string_view name) const;
};

// A response body read incrementally (chunked transfer decoded). Not thread-safe except close().
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `size` bytes; 0 means the body ended cleanly.
  virtual Result<std::size_t> read(char* buffer, std::size_t size) = 0;
  // Unblocks a pending read from another thread.
  virtual void close() noexcept = 0;
};

enum class WsOpcode : std::uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

struct WsMessage {
  WsOpcode opcode = WsOpcode::Binary;
  std::string payload;
};

// A client WebSocket after a successful handshake. send() may be called from one thread while
// another is in receive(); close() may be called from any thread.
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  virtual const std::string& protocol() const = 0;  // the subprotocol the server chose
  virtual Result<void> send(WsOpcode opcode, std::string_view payload) = 0;
  // The next whole data message (fragments reassembled; pings answered internally).
  // A Close from the server yields a WsMessage with opcode Close (payload: code + reason).
  virtual Result<WsMessage> receive() = 0;
  virtual void close(std::uint16_t code = 1000, std::string_view reason = {}) noexcept = 0;
};

struct UpgradeRequest {
  std::string path;  // ApiPath::str(), e.g. "/api/v1/namespaces/x/pods/p/exec?command=ls&stdout=true"
  std::vector<std::string> protocols;  // offered subprotocols, in preference order
  Headers headers;
  std::optional<Permission> permission;
};

class Client {
 public:
  virtual ~Client() = default;

  // Sends a request and reads the whole response. Non-2xx becomes an Error (Status decoded);
  // idempotent GETs are retried on 429/5xx honouring Retry-After. Cancellation closes the socket.
  virtual Result<Response> send(const Request& request, const CancelToken& cancel) = 0;

  // Sends a request and returns its body as a stream once a 2xx status arrived (logs, watch).
  virtual Result<std::unique_ptr<ByteStream>> open_stream(const Request& request,
                                                          const CancelToken& cancel) = 0;

  // HTTP/1.1 Upgrade to WebSocket offering `protocols` in one handshake.
  virtual Result<std::unique_ptr<WebSocket>> open_websocket(const UpgradeRequest& request,
                                                            const CancelToken& cancel) = 0;

  // The namespace ops use when none is given: -n, else the context's, else "default".
  virtual std::string default_namespace() const = 0;

  // The API server URL, for messages ("https://127.0.0.1:6443").
  virtual std::string server() const = 0;

  // A SPDY/3.1 connection for pods/exec or pods/portforward, offering `request.protocols` (as
  // X-Stream-Protocol-Version, or as `SPDY/3.1+<protocol>` WebSocket subprotocols when
  // tunnelled). Added in plugin ABI 2.0, last in the table; Client implementations written
  // before it (test doubles, embedders' own clients) answer Unsupported.
  virtual Result<std::unique_ptr<MuxConnection>> open_multiplexed(const UpgradeRequest& request,
                                                                   MuxFraming framing,
                                                                   const CancelToken& cancel) {
    (void)request;
    (void)framing;
    (void)cancel;
    return fail(ErrorKind::Unsupported, "this API client cannot open SPDY connections");
  }
};

// JSON conveniences over Client::send. They take an ApiPath so that every name in the target
// has been encoded.
ORKA_API Result<nlohmann::json> get_json(Client& client, const ApiPath& path,
                                         const CancelToken& cancel,
                                         std::optional<Permission> permission = std::nullopt);
ORKA_API Result<nlohmann::json> send_json(Client& client, const std::string& method,
                                          const ApiPath& path, const nlohmann::json& body,
                                          const std::string& content_type,
                                          const CancelToken& cancel,
                                          std::optional<Permission> permission = std::nullopt);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
