#include "exec.hpp"

#include <mutex>

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

std::string exec_path(const std::string& namespace_, const std::string& pod,
                      const std::string& container, const std::vector<std::string>& command,
                      const ExecOptions& options) {
  std::string path = fmt::format("/api/v1/namespaces/{}/pods/{}/exec?", url_encode(namespace_),
                                 url_encode(pod));
  if (!container.empty()) path += "container=" + url_encode(container) + "&";
  for (const auto& arg : command) path += "command=" + url_encode(arg) + "&";
  if (options.stdin) path += "stdin=true&";
  path += "stdout=true";
  // With a TTY the kubelet merges stderr into stdout; asking for both would be refused.
  if (options.tty)
    path += "&tty=true";
  else
    path += "&stderr=true";
  return path;
}

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
  // A clean close without a status: the kubelet sends none when the command succeeded on
  // some versions; a failure always carries one.
  return status.value_or(ExecStatus{});
}

DuplexStream<ExecChunk, ExecStatus> ExecOps::exec(const PodRef& pod, const std::string& container,
                                                  const std::vector<std::string>& command,
                                                  const ExecOptions& options) {
  using Duplex = DuplexStream<ExecChunk, ExecStatus>;
  if (command.empty())
    return Duplex::failed(make_error(ErrorKind::Usage, "no command to run", "put it after --"));
  if (options.transport == StreamTransport::Spdy)
    return Duplex::failed(make_error(ErrorKind::Unsupported, "exec over SPDY is not available yet",
                                     "use the default WebSocket transport"));
  auto client = client_source_();
  if (!client) return Duplex::failed(client.error());
  const std::string namespace_ = pod.namespace_.empty() ? (*client)->default_namespace() : pod.namespace_;
  UpgradeRequest request;
  request.path = exec_path(namespace_, pod.name, container, command, options);
  request.protocols = exec_protocols();
  request.permission = Permission{"create", "", "pods", "exec", namespace_, pod.name};
  CancelToken cancel;
  auto opened = (*client)->open_websocket(request, cancel);
  if (!opened) return Duplex::failed(opened.error());
  std::shared_ptr<WebSocket> socket(std::move(*opened));
  auto input = std::make_shared<ExecInput>(socket);
  if (options.tty && options.initial_size) {
    // Before any input, so a full-screen program starts at the right size.
    if (auto sent = input->resize(options.initial_size->columns, options.initial_size->rows); !sent) {
      socket->close();
      return Duplex::failed(sent.error());
    }
  }
  auto output = Stream<ExecChunk, ExecStatus>::spawn(
      kOutputChunks, Overflow::Block, cancel, [socket](StreamWriter<ExecChunk>& out) {
        auto closer = out.cancel().on_cancel([socket] { socket->close(); });
        auto status = pump_exec_output(*socket, out);
        socket->close();
        return status;
      });
  return Duplex(std::move(output), std::move(input));
}

}  // namespace orka::streaming
