// The WebSocket client: the HTTP/1.1 Upgrade handshake and a thread-safe WebSocket on top of the
// frame codec.
#include "transport/websocket.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "orka/export.hpp"

namespace orka::core {
namespace {

constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::size_t kMaxResponseHeadBytes = 64 * 1024;
constexpr std::size_t kMaxErrorBodyBytes = 1024 * 1024;
constexpr std::size_t kReadBufferSize = 64 * 1024;
// Large payloads are masked and written in pieces of this size: bounded memory, one pass.
constexpr std::size_t kSendChunkSize = 256 * 1024;
constexpr std::chrono::milliseconds kCloseSendWait{200};

std::string base64(const unsigned char* data, std::size_t size) {
  std::string encoded(4 * ((size + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), data,
                                     static_cast<int>(size));
  encoded.resize(static_cast<std::size_t>(std::max(length, 0)));
  return encoded;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// True when a comma-separated header value lists `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

struct ResponseHead {
  int status = 0;
  Headers headers;
  std::string after_head;  // bytes read past the blank line: the start of the body or frames

  std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers)
      if (iequals(key, name)) return value;
    return {};
  }
  bool has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& entry) { return iequals(entry.first, name); });
  }
};

Error handshake_error(ErrorKind kind, std::string message) {
  return make_error(kind, "WebSocket handshake failed: " + std::move(message));
}

// Marks a failure that another transport may not have (is_protocol_refusal).
Error protocol_refused(Error error) {
  error.reason = "ProtocolRefused";
  return error;
}

Error io_error(const Error& error, const CancelToken& cancel) {
  if (cancel.cancelled()) return make_error(ErrorKind::Cancelled, "cancelled");
  return error;
}

Result<ResponseHead> read_response_head(Connection& connection, const CancelToken& cancel) {
  std::string buffer;
  char chunk[4096];
  std::size_t searched = 0;
  for (;;) {
    const std::size_t end = buffer.find("\r\n\r\n", searched > 3 ? searched - 3 : 0);
    if (end != std::string::npos) {
      ResponseHead head;
      head.after_head = buffer.substr(end + 4);
      std::string_view lines(buffer.data(), end);
      const std::size_t status_end = lines.find("\r\n");
      std::string_view status_line = lines.substr(0, status_end);
      // "HTTP/1.1 101 Switching Protocols"
      const std::size_t space = status_line.find(' ');
      if (!status_line.starts_with("HTTP/1.") || space == std::string_view::npos)
        return fail(handshake_error(ErrorKind::Transport,
                                    fmt::format("the server's answer is not HTTP: {:.80}",
                                                status_line)));
      std::string_view code = status_line.substr(space + 1, 3);
      auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), head.status);
      if (ec != std::errc() || ptr != code.data() + code.size())
        return fail(handshake_error(ErrorKind::Transport,
                                    fmt::format("bad HTTP status line: {:.80}", status_line)));
      std::string_view rest =
          status_end == std::string_view::npos ? std::string_view{} : lines.substr(status_end + 2);
      while (!rest.empty()) {
        const std::size_t line_end = rest.find("\r\n");
        std::string_view line = rest.substr(0, line_end);
        rest = line_end == std::string_view::npos ? std::string_view{} : rest.substr(line_end + 2);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        head.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                  std::string(trim(line.substr(colon + 1))));
      }
      return head;
    }
    if (buffer.size() > kMaxResponseHeadBytes)
      return fail(handshake_error(ErrorKind::Transport,
                                  "the server's response headers exceed 64 KiB"));
    searched = buffer.size();
    auto got = connection.read_some(chunk, sizeof chunk);
    if (!got) return fail(io_error(got.error(), cancel));
    if (*got == 0) {
      if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
      return fail(handshake_error(ErrorKind::Transport,
                                  "the server closed the connection before answering"));
    }
    buffer.append(chunk, *got);
  }
}

// Best effort: the body of a refused upgrade (usually a Status), for the error message.
std::string read_error_body(Connection& connection, const ResponseHead& head) {
  std::string raw = head.after_head;
  char chunk[4096];
  auto read_more = [&]() {
    if (raw.size() >= kMaxErrorBodyBytes) return false;
    auto got = connection.read_some(chunk, sizeof chunk);
    if (!got || *got == 0) return false;
    raw.append(chunk, *got);
    return true;
  };
  const std::string length_text = head.header("Content-Length");
  if (!length_text.empty()) {
    std::size_t length = 0;
    std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
    length = std::min(length, kMaxErrorBodyBytes);
    while (raw.size() < length && read_more()) {
    }
    raw.resize(std::min(raw.size(), length));
    return raw;
  }
  if (has_token(head.header("Transfer-Encoding"), "chunked")) {
    std::string body;
    std::size_t position = 0;
    for (;;) {
      const std::size_t line_end = raw.find("\r\n", position);
      if (line_end == std::string::npos) {
        if (!read_more()) return body;
        continue;
      }
      std::size_t size = 0;
      auto [ptr, ec] = std::from_chars(raw.data() + position, raw.data() + line_end, size, 16);
      if (ec != std::errc() || size == 0) return body;
      while (raw.size() < line_end + 2 + size && read_more()) {
      }
      if (raw.size() < line_end + 2 + size) return body + raw.substr(line_end + 2);
      body.append(raw, line_end + 2, size);
      position = line_end + 2 + size + 2;
    }
  }
  while (read_more()) {
  }
  return raw;
}

class ClientWebSocket final : public WebSocket {
 public:
  ClientWebSocket(std::unique_ptr<Connection> connection, std::string protocol, CancelToken cancel,
                  const WebSocketOptions& options)
      : connection_(std::move(connection)),
        protocol_(std::move(protocol)),
        cancel_(std::move(cancel)),
        options_(options),
        decoder_(options.max_message_size),
        read_buffer_(new char[kReadBufferSize]) {}

  ~ClientWebSocket() override {
    close(1000, {});
    cancel_registration_.reset();
  }

  // Frames that arrived together with the 101 response.
  Result<void> accept_early_bytes(std::string_view bytes) { return decoder_.feed(bytes); }

  void start() {
    Connection* connection = connection_.get();
    cancel_registration_ = cancel_.on_cancel([connection] { connection->shutdown(); });
    control_done_ = false;
    control_thread_ = std::thread([this] { control_loop(); });
  }

  const std::string& protocol() const override { return protocol_; }

  Result<void> send(WsOpcode opcode, std::string_view payload) override {
    if (ws_is_control(opcode) && payload.size() > kWsMaxControlPayload)
      return fail(ErrorKind::Invalid, "a WebSocket control frame carries at most 125 bytes");
    if (opcode == WsOpcode::Close) {
      const WsCloseInfo info = ws_parse_close_payload(payload);
      close(info.code, info.reason);
      return {};
    }
    std::lock_guard lock(send_mutex_);
    return write_frame_locked(opcode, payload);
  }

  Result<WsMessage> receive() override {
    std::lock_guard lock(receive_mutex_);
    for (;;) {
      while (auto message = decoder_.next()) {
        switch (message->opcode) {
          case WsOpcode::Ping:
            queue_pong(std::move(message->payload));
            continue;
          case WsOpcode::Pong:
            continue;
          case WsOpcode::Close:
            server_close_ = *message;
            // Echo the server's code (without its reason), as RFC 6455 asks.
            begin_close(std::string(std::string_view(message->payload).substr(0, 2)));
            return std::move(*message);
          default:
            return std::move(*message);
        }
      }
      if (server_close_) return *server_close_;
      if (closed_) return local_close_message();
      auto got = connection_->read_some(read_buffer_.get(), kReadBufferSize);
      if (!got || *got == 0) {
        if (cancel_.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
        if (closed_) return local_close_message();
        if (!got) return fail(got.error());
        return fail(ErrorKind::Transport,
                    "the server closed the connection without a WebSocket close frame");
      }
      if (auto fed = decoder_.feed(std::string_view(read_buffer_.get(), *got)); !fed) {
        close(1002, "protocol error");
        return fail(fed.error());
      }
    }
  }

  void close(std::uint16_t code, std::string_view reason) noexcept override {
    {
      std::lock_guard lock(state_mutex_);
      if (!closed_) local_close_payload_ = ws_close_payload(code, reason);
    }
    begin_close(ws_close_payload(code, reason));
    stop_control_thread();
  }

 private:
  // Only senders and the control thread write. The receive thread never does: a write can block
  // while the server waits for us to read, and then neither side would move.
  Result<void> write_frame_locked(WsOpcode opcode, std::string_view payload) {
    if (cancel_.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
    if (close_sent_ || (closed_ && opcode != WsOpcode::Close))
      return fail(ErrorKind::Transport, "the WebSocket is closed");
    if (opcode == WsOpcode::Close) close_sent_ = true;
    const WsMaskKey key = next_mask_key();
    std::size_t offset = 0;
    do {
      const std::size_t piece = std::min(payload.size() - offset, kSendChunkSize);
      if (send_buffer_.size() < kWsMaxHeaderSize + piece) send_buffer_.resize(kWsMaxHeaderSize + piece);
      std::size_t header_size = 0;
      if (offset == 0)
        header_size = ws_write_frame_header(send_buffer_.data(), opcode, true, payload.size(), key);
      ws_mask_copy(send_buffer_.data() + header_size, payload.data() + offset, piece, key, offset);
      auto written =
          connection_->write_all(std::string_view(send_buffer_.data(), header_size + piece));
      if (!written) {
        if (cancel_.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
        if (closed_) return fail(ErrorKind::Transport, "the WebSocket is closed");
        return written;
      }
      offset += piece;
    } while (offset < payload.size());
    return {};
  }

  WsMaskKey next_mask_key() {
    if (mask_pool_used_ + 4 > mask_pool_.size()) {
      if (RAND_bytes(mask_pool_.data(), static_cast<int>(mask_pool_.size())) != 1) {
        // Masking defends proxies, not secrecy (the connection is TLS); still vary the key.
        for (auto& byte : mask_pool_) byte = static_cast<unsigned char>(fallback_random_());
      }
      mask_pool_used_ = 0;
    }
    WsMaskKey key;
    std::memcpy(key.data(), mask_pool_.data() + mask_pool_used_, 4);
    mask_pool_used_ += 4;
    return key;
  }

  void queue_pong(std::string payload) {
    {
      std::lock_guard lock(control_mutex_);
      pending_pong_ = std::move(payload);  // answering only the latest Ping is allowed
    }
    control_cv_.notify_all();
  }

  // Hands the Close frame to the control thread, waits a little for it to go out, then shuts
  // the connection down (which also frees a sender stuck in a write).
  void begin_close(std::string close_payload) noexcept {
    if (closed_.exchange(true)) return;
    {
      std::unique_lock lock(control_mutex_);
      pending_close_ = std::move(close_payload);
      control_cv_.notify_all();
      control_cv_.wait_for(lock, kCloseSendWait,
                           [this] { return close_written_ || control_done_; });
    }
    connection_->shutdown();
  }

  WsMessage local_close_message() {
    std::lock_guard lock(state_mutex_);
    return WsMessage{WsOpcode::Close, local_close_payload_};
  }

  // The one thread that writes on the receive side's behalf: Pongs, the Close frame, and the
  // keepalive Pings.
  void control_loop() {
    using Clock = std::chrono::steady_clock;
    const bool keepalive = options_.ping_interval.count() > 0;
    auto next_ping = Clock::now() + options_.ping_interval;
    std::unique_lock lock(control_mutex_);
    for (;;) {
      auto ready = [this] { return control_stop_ || pending_close_ || pending_pong_; };
      if (keepalive)
        control_cv_.wait_until(lock, next_ping, ready);
      else
        control_cv_.wait(lock, ready);
      if (pending_close_) {
        std::string payload = std::move(*pending_close_);
        pending_close_.reset();
        lock.unlock();
        {
          std::lock_guard send_lock(send_mutex_);
          (void)write_frame_locked(WsOpcode::Close, payload);
        }
        lock.lock();
        close_written_ = true;
        break;
      }
      if (control_stop_) break;
      Result<void> written;
      if (pending_pong_) {
        std::string payload = std::move(*pending_pong_);
        pending_pong_.reset();
        lock.unlock();
        {
          std::lock_guard send_lock(send_mutex_);
          written = write_frame_locked(WsOpcode::Pong, payload);
        }
        lock.lock();
      } else if (keepalive && Clock::now() >= next_ping) {
        next_ping = Clock::now() + options_.ping_interval;
        lock.unlock();
        {
          std::lock_guard send_lock(send_mutex_);
          written = write_frame_locked(WsOpcode::Ping, {});
        }
        lock.lock();
      }
      if (!written) break;  // the connection is gone; receive() reports it
    }
    control_done_ = true;
    control_cv_.notify_all();
  }

  void stop_control_thread() noexcept {
    {
      std::lock_guard lock(control_mutex_);
      control_stop_ = true;
    }
    control_cv_.notify_all();
    std::lock_guard join_lock(join_mutex_);
    if (control_thread_.joinable() && control_thread_.get_id() != std::this_thread::get_id())
      control_thread_.join();
  }

  std::unique_ptr<Connection> connection_;
  const std::string protocol_;
  CancelToken cancel_;
  const WebSocketOptions options_;

  std::atomic<bool> closed_{false};  // a Close was queued (by close(), an error or the server)
  std::mutex state_mutex_;
  std::string local_close_payload_;

  std::mutex send_mutex_;  // guards the members below up to the control block
  bool close_sent_ = false;
  std::string send_buffer_;
  std::array<unsigned char, 256> mask_pool_{};
  std::size_t mask_pool_used_ = 256;
  std::minstd_rand fallback_random_{std::random_device{}()};

  std::mutex receive_mutex_;  // guards the receive side
  WsFrameDecoder decoder_;
  std::unique_ptr<char[]> read_buffer_;
  std::optional<WsMessage> server_close_;

  std::mutex control_mutex_;  // guards the control thread's inbox
  std::condition_variable control_cv_;
  std::optional<std::string> pending_pong_;
  std::optional<std::string> pending_close_;
  bool close_written_ = false;
  bool control_stop_ = false;
  bool control_done_ = true;  // until start(): nobody would write a queued Close
  std::mutex join_mutex_;
  std::thread control_thread_;

  CancelToken::Registration cancel_registration_;
};

std::string join_path(std::string_view prefix, std::string_view path) {
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  std::string joined(prefix);
  if (path.empty() || path.front() != '/') joined += '/';
  joined += path;
  return joined;
}

}  // namespace

std::string websocket_accept_for_key(std::string_view key) {
  std::string input(key);
  input += kAcceptGuid;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha1(), nullptr) != 1)
    return {};
  return base64(digest, digest_size);
}

Result<std::unique_ptr<WebSocket>> websocket_connect(std::unique_ptr<Connection> connection,
                                                     const std::string& host_header,
                                                     const std::string& path_prefix,
                                                     const UpgradeRequest& request,
                                                     const Credentials& credentials,
                                                     const CancelToken& cancel,
                                                     const WebSocketOptions& options) {
  if (!connection) return fail(ErrorKind::Internal, "websocket_connect: no connection");
  if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");

  const std::string path = join_path(path_prefix, request.path);
  if (has_line_break(path) || has_line_break(host_header))
    return fail(ErrorKind::Invalid, "the WebSocket request path or host contains a line break");
  for (const auto& protocol : request.protocols)
    if (protocol.empty() || has_line_break(protocol) || protocol.find(',') != std::string::npos)
      return fail(ErrorKind::Invalid, fmt::format("bad WebSocket subprotocol name \"{}\"", protocol));

  unsigned char key_bytes[16];
  if (RAND_bytes(key_bytes, sizeof key_bytes) != 1)
    return fail(ErrorKind::Internal, "no random bytes for the WebSocket key (OpenSSL RAND_bytes)");
  const std::string key = base64(key_bytes, sizeof key_bytes);

  std::string head = fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: {}\r\nSec-WebSocket-Version: 13\r\n",
      path, host_header, key);
  if (!request.protocols.empty())
    head += fmt::format("Sec-WebSocket-Protocol: {}\r\n", fmt::join(request.protocols, ", "));
  if (!credentials.bearer_token.empty()) {
    if (has_line_break(credentials.bearer_token))
      return fail(ErrorKind::Config, "the bearer token contains a line break");
    head += "Authorization: Bearer " + credentials.bearer_token + "\r\n";
  } else if (credentials.basic) {
    const std::string pair = credentials.basic->first + ":" + credentials.basic->second;
    head += "Authorization: Basic " +
            base64(reinterpret_cast<const unsigned char*>(pair.data()), pair.size()) + "\r\n";
  }
  bool user_agent = false;
  for (const auto& [name, value] : request.headers) {
    if (has_line_break(name) || has_line_break(value) || name.empty())
      return fail(ErrorKind::Invalid,
                  fmt::format("the WebSocket request header \"{}\" is malformed", name));
    user_agent = user_agent || iequals(name, "User-Agent");
    head += name + ": " + value + "\r\n";
  }
  if (!user_agent) head += "User-Agent: orka/" ORKA_SDK_VERSION_STRING "\r\n";
  head += "\r\n";

  Connection* raw_connection = connection.get();
  auto handshake_registration = cancel.on_cancel([raw_connection] { raw_connection->shutdown(); });

  connection->set_timeout(options.handshake_timeout);
  if (auto written = connection->write_all(head); !written)
    return fail(io_error(written.error(), cancel));
  auto response = read_response_head(*connection, cancel);
  if (!response) return fail(response.error());

  if (response->status != 101) {
    const std::string body = read_error_body(*connection, *response);
    if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
    Error error = error_from_http(response->status, body, request.permission);
    if (response->status == 400 && error.hint.empty() && !request.protocols.empty())
      error.hint = fmt::format("the server refused the WebSocket upgrade offering {}",
                               fmt::join(request.protocols, ", "));
    return fail(std::move(error));
  }

  if (!iequals(response->header("Upgrade"), "websocket"))
    return fail(handshake_error(ErrorKind::Transport,
                                "the server's 101 answer does not upgrade to \"websocket\""));
  if (!has_token(response->header("Connection"), "upgrade"))
    return fail(handshake_error(ErrorKind::Transport,
                                "the server's 101 answer lacks \"Connection: Upgrade\""));
  if (response->header("Sec-WebSocket-Accept") != websocket_accept_for_key(key))
    return fail(handshake_error(
        ErrorKind::Transport,
        "the server's Sec-WebSocket-Accept does not match the key sent (a proxy or a server "
        "that does not speak WebSocket is in the way)"));
  if (!response->header("Sec-WebSocket-Extensions").empty())
    return fail(handshake_error(ErrorKind::Transport,
                                "the server enabled a WebSocket extension orka did not offer"));
  std::string protocol = response->header("Sec-WebSocket-Protocol");
  if (!request.protocols.empty()) {
    if (protocol.empty())
      return fail(protocol_refused(handshake_error(
          ErrorKind::Unsupported,
          fmt::format("the server accepted none of the offered subprotocols ({})",
                      fmt::join(request.protocols, ", ")))));
    if (std::find(request.protocols.begin(), request.protocols.end(), protocol) ==
        request.protocols.end())
      return fail(protocol_refused(handshake_error(
          ErrorKind::Transport,
          fmt::format("the server chose subprotocol \"{:.100}\", which was not offered ({})",
                      protocol, fmt::join(request.protocols, ", ")))));
  } else if (!protocol.empty()) {
    return fail(handshake_error(
        ErrorKind::Transport,
        fmt::format("the server chose subprotocol \"{:.100}\" although none was offered",
                    protocol)));
  }

  connection->set_timeout(std::chrono::milliseconds::zero());
  auto socket = std::make_unique<ClientWebSocket>(std::move(connection), std::move(protocol),
                                                  cancel, options);
  if (auto fed = socket->accept_early_bytes(response->after_head); !fed) return fail(fed.error());
  socket->start();
  return std::unique_ptr<WebSocket>(std::move(socket));
}

}  // namespace orka::core
