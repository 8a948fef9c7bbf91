#include "exec_websocket.hpp"

#include "exec.hpp"

#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "orka/channels.hpp"

namespace orka::streaming {
namespace {

constexpr std::size_t kOutputChunks = 64;  // Block: nothing is lost, the socket waits

// The input side: stdin bytes, resizes and the v5 close share one socket, one sender at a time.
class ExecInput final : public DuplexInput {
 public:
  explicit ExecInput(std::shared_ptr<WebSocket> socket) : socket_(std::move(socket)) {}

  Result<void> write(std::string_view bytes) noexcept override {
    try {
      std::lock_guard lock(mutex_);
      if (stdin_closed_) return fail(ErrorKind::Invalid, "stdin was already closed");
      message_.assign(1, static_cast<char>(StreamChannel::Stdin));
      message_.append(bytes);
      return socket_->send(WsOpcode::Binary, message_);
    } catch (const std::exception& e) {
      return fail(ErrorKind::Internal, e.what());
    }
  }

  Result<void> close_write() noexcept override {
    std::lock_guard lock(mutex_);
    if (stdin_closed_) return {};
    if (!protocol_supports_stdin_close(socket_->protocol()))
      return fail(ErrorKind::Unsupported,
                  fmt::format("the server speaks {}, which cannot signal the end of stdin: the "
                              "remote command keeps reading until it exits by itself",
                              socket_->protocol()),
                  "make the command stop on its own (e.g. read a known number of bytes), or use a "
                  "cluster that offers v5.channel.k8s.io (Kubernetes 1.29+)");
    stdin_closed_ = true;
    return socket_->send(WsOpcode::Binary, encode_close_message(StreamChannel::Stdin));
  }

  Result<void> resize(std::uint16_t columns, std::uint16_t rows) noexcept override {
    try {
      std::lock_guard lock(mutex_);
      return socket_->send(WsOpcode::Binary, encode_resize_message(TerminalSize{columns, rows}));
    } catch (const std::exception& e) {
      return fail(ErrorKind::Internal, e.what());
    }
  }

 private:
  std::shared_ptr<WebSocket> socket_;
  std::mutex mutex_;
  std::string message_;  // reused: one allocation for the session, not one per write
  bool stdin_closed_ = false;
};

}  // namespace

Result<ExecStatus> pump_exec_output(WebSocket& socket, StreamWriter<ExecChunk>& out) {
  std::optional<ExecStatus> status;
  for (;;) {
    auto message = socket.receive();
    if (!message) {
      if (status) return *status;
      if (out.cancel().cancelled()) return fail(ErrorKind::Cancelled, "exec was cancelled");
      Error e = message.error();
      e.message = "the exec session broke before the command finished: " + e.message;
      return fail(std::move(e));
    }
    if (message->opcode == WsOpcode::Close) break;
    if (message->opcode != WsOpcode::Binary) continue;
    if (message->payload.empty())
      return fail(ErrorKind::Transport, "the server sent an empty exec message (no channel byte)");
    const auto channel = static_cast<std::uint8_t>(message->payload.front());
    switch (channel) {
      case static_cast<std::uint8_t>(StreamChannel::Stdout):
      case static_cast<std::uint8_t>(StreamChannel::Stderr): {
        if (message->payload.size() == 1) break;
        ExecChunk chunk;
        chunk.channel = channel == 1 ? ExecChannel::Stdout : ExecChannel::Stderr;
        message->payload.erase(0, 1);  // reuse the message's buffer for the chunk
        chunk.data = std::move(message->payload);
        if (!out.push(std::move(chunk))) return fail(ErrorKind::Cancelled, "exec was cancelled");
        break;
      }
      case static_cast<std::uint8_t>(StreamChannel::Status): {
        auto parsed = parse_exec_status(std::string_view(message->payload).substr(1));
        if (!parsed) return fail(parsed.error());
        status = *parsed;
        break;
      }
      default:
        break;  // channels this client did not ask for
    }
  }
  if (status) return *status;
  return fail(missing_exec_status());
}

Result<DuplexStream<ExecChunk, ExecStatus>> start_websocket_exec(std::unique_ptr<WebSocket> opened,
                                                                 const ExecOptions& options,
                                                                 const CancelToken& cancel) {
  std::shared_ptr<WebSocket> socket(std::move(opened));
  auto input = std::make_shared<ExecInput>(socket);
  if (options.tty && options.initial_size) {
    // Before any input, so a full-screen program starts at the right size.
    if (auto sent = input->resize(options.initial_size->columns, options.initial_size->rows); !sent) {
      socket->close();
      return fail(sent.error());
    }
  }
  auto output = Stream<ExecChunk, ExecStatus>::spawn(
      kOutputChunks, Overflow::Block, cancel, [socket](StreamWriter<ExecChunk>& out) {
        auto closer = out.cancel().on_cancel([socket] { socket->close(); });
        auto status = pump_exec_output(*socket, out);
        socket->close();
        return status;
      });
  return DuplexStream<ExecChunk, ExecStatus>(std::move(output), std::move(input));
}

}  // namespace orka::streaming
