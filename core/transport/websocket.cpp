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

#include "orka/keepalive.hpp"
#include "transport/http_upgrade.hpp"
#include "util/base64.hpp"

namespace orka::core {
namespace {

constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::string_view kProtocolName = "WebSocket";
constexpr std::size_t kReadBufferSize = 64 * 1024;
// Large payloads are masked and written in pieces of this size: bounded memory, one pass.
constexpr std::size_t kSendChunkSize = 256 * 1024;
constexpr std::chrono::milliseconds kCloseSendWait{200};

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

Error handshake_error(ErrorKind kind, std::string_view message) {
  return upgrade_error(kProtocolName, kind, message);
}

// Marks a failure that another transport may not have (is_protocol_refusal).
Error protocol_refused(Error error) {
  error.reason = "ProtocolRefused";
  return error;
}

class ClientWebSocket final : public WebSocket, public KeepaliveControl {
 public:
  ClientWebSocket(std::unique_ptr<Connection> connection, std::string protocol, CancelToken cancel,
                  const WebSocketOptions& options)
      : connection_(std::move(connection)),
        protocol_(std::move(protocol)),
        cancel_(std::move(cancel)),
        options_(options),
        ping_interval_ms_(options.ping_interval.count()),
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

  void set_keepalive(std::chrono::milliseconds interval) noexcept override {
    ping_interval_ms_ = std::max<std::int64_t>(0, interval.count());
    {
      std::lock_guard lock(control_mutex_);
      interval_changed_ = true;
    }
    control_cv_.notify_all();
  }

  std::chrono::milliseconds keepalive() const noexcept override {
    return std::chrono::milliseconds(ping_interval_ms_.load());
  }

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
      quiet_since_ = steady_now();
      reading_ = true;
      auto got = connection_->read_some(read_buffer_.get(), kReadBufferSize);
      reading_ = false;
      if (got && *got > 0) quiet_since_ = steady_now();
      if (!got || *got == 0) {
        if (cancel_.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
        if (dead_) return fail(dead_error());
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
    if (dead_) return fail(dead_error());
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

  using Clock = std::chrono::steady_clock;

  static std::int64_t steady_now() { return Clock::now().time_since_epoch().count(); }

  Error dead_error() const {
    const auto after = keepalive_dead_after(std::chrono::milliseconds(dead_interval_ms_.load()));
    return make_error(ErrorKind::Transport,
                      fmt::format("the connection is dead: nothing came back from the server for "
                                  "{} ms although keepalive pings were sent",
                                  after.count()),
                      "the network path to the API server dropped the connection without closing "
                      "it; start the command again");
  }

  // While the application waits in receive() and pings go out, the server's Pongs (or any
  // other frame) must come back: silence for keepalive_dead_after(interval) means the path is
  // gone without a FIN or reset (a NAT or load balancer that forgot the connection). Outside
  // receive() nobody reads, so silence then says nothing.
  bool silent_too_long(std::chrono::milliseconds interval) const {
    if (!reading_) return false;
    const auto quiet = Clock::duration(steady_now() - quiet_since_.load());
    return quiet > keepalive_dead_after(interval);
  }

  // Pings go out only on an idle connection: receive() has waited `interval` and nothing came.
  // A Ping in the middle of a download is not just useless but harmful: a server whose writer
  // is blocked behind a slow reader cannot answer it, stops reading, and when it then closes
  // the connection with the Ping unread its kernel resets the connection, so the end of the
  // download in flight is lost (seen with the kubelet's WebSocket port-forward when the pod's
  // server closed right after a 48 MiB response).
  bool idle_for(std::chrono::milliseconds interval) const {
    if (!reading_) return false;
    return Clock::duration(steady_now() - quiet_since_.load()) >= interval;
  }

  // When the connection can next have been idle for `interval`: that long after the last byte
  // (or the start of the wait), or a whole interval from now while receive() is not waiting.
  Clock::time_point next_idle_check(std::chrono::milliseconds interval) const {
    const auto now = Clock::now();
    if (!reading_) return now + interval;
    const Clock::time_point quiet_since{Clock::duration(quiet_since_.load())};
    const auto at = quiet_since + interval;
    return at > now ? at : now + interval;
  }

  // The one thread that writes on the receive side's behalf: Pongs, the Close frame, and the
  // keepalive Pings (whose interval set_keepalive() may change at any time).
  void control_loop() {
    std::unique_lock lock(control_mutex_);
    auto interval = keepalive();
    auto next_ping = Clock::now() + interval;
    for (;;) {
      auto ready = [this] {
        return control_stop_ || pending_close_ || pending_pong_ || interval_changed_;
      };
      if (interval.count() > 0)
        control_cv_.wait_until(lock, next_ping, ready);
      else
        control_cv_.wait(lock, ready);
      if (interval_changed_) {
        interval_changed_ = false;
        interval = keepalive();
        next_ping = Clock::now() + interval;
        quiet_since_ = steady_now();  // silence before the first Ping proves nothing
      }
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
      } else if (interval.count() > 0 && Clock::now() >= next_ping) {
        next_ping = Clock::now() + interval;
        if (!idle_for(interval)) {
          next_ping = next_idle_check(interval);
          continue;
        }
        if (silent_too_long(interval)) {
          dead_interval_ms_ = interval.count();
          dead_ = true;
          lock.unlock();
          connection_->shutdown();  // wakes receive(), which reports dead_error()
          lock.lock();
          break;
        }
        lock.unlock();
        // A sender busy with data keeps the connection from being idle anyway: no Ping then,
        // and no waiting behind a write that the dead-path check must not depend on.
        if (std::unique_lock send_lock(send_mutex_, std::try_to_lock); send_lock.owns_lock())
          written = write_frame_locked(WsOpcode::Ping, {});
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

  std::atomic<std::int64_t> ping_interval_ms_;  // 0: no keepalive pings
  std::atomic<bool> reading_{false};           // receive() waits for the server
  std::atomic<std::int64_t> quiet_since_{0};   // steady clock ticks: last byte, or the wait's start
  std::atomic<bool> dead_{false};              // keepalive found the connection dead
  std::atomic<std::int64_t> dead_interval_ms_{0};

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
  bool interval_changed_ = false;
  bool control_done_ = true;  // until start(): nobody would write a queued Close
  std::mutex join_mutex_;
  std::thread control_thread_;

  CancelToken::Registration cancel_registration_;
};

}  // namespace

std::string websocket_accept_for_key(std::string_view key) {
  std::string input(key);
  input += kAcceptGuid;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha1(), nullptr) != 1)
    return {};
  return encode_base64(std::string_view(reinterpret_cast<const char*>(digest), digest_size));
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

  for (const auto& protocol : request.protocols)
    if (protocol.empty() || has_line_break(protocol) || protocol.find(',') != std::string::npos)
      return fail(ErrorKind::Invalid, fmt::format("bad WebSocket subprotocol name \"{}\"", protocol));

  unsigned char key_bytes[16];
  if (RAND_bytes(key_bytes, sizeof key_bytes) != 1)
    return fail(ErrorKind::Internal, "no random bytes for the WebSocket key (OpenSSL RAND_bytes)");
  const std::string key =
      encode_base64(std::string_view(reinterpret_cast<const char*>(key_bytes), sizeof key_bytes));

  UpgradeSpec spec;
  spec.method = "GET";
  spec.protocol_name = kProtocolName;
  spec.upgrade_headers = {{"Upgrade", "websocket"},
                          {"Connection", "Upgrade"},
                          {"Sec-WebSocket-Key", key},
                          {"Sec-WebSocket-Version", "13"}};
  if (!request.protocols.empty())
    spec.upgrade_headers.emplace_back("Sec-WebSocket-Protocol",
                                      fmt::format("{}", fmt::join(request.protocols, ", ")));
  spec.answer_timeout = options.handshake_timeout;
  auto answer = http_upgrade(*connection, host_header, path_prefix, request, credentials, cancel,
                             spec);
  if (!answer) return fail(answer.error());
  const ResponseHead* response = &answer->head;

  if (!equals_ignore_case(response->header("Upgrade"), "websocket"))
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

  auto socket = std::make_unique<ClientWebSocket>(std::move(connection), std::move(protocol),
                                                  cancel, options);
  if (auto fed = socket->accept_early_bytes(answer->early_bytes); !fed) return fail(fed.error());
  socket->start();
  return std::unique_ptr<WebSocket>(std::move(socket));
}

}  // namespace orka::core
