#include "exec_spdy.hpp"

#include "exec.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "orka/channels.hpp"

namespace orka::streaming {
namespace {

constexpr std::size_t kOutputChunks = 64;        // Block: nothing is lost, the stream waits
constexpr std::size_t kOutputRead = 64 * 1024;   // one chunk per read
constexpr std::size_t kMaxStatus = 1024 * 1024;  // a Status is a few hundred bytes

using Headers = std::vector<std::pair<std::string, std::string>>;

Result<std::shared_ptr<MuxStream>> open_typed_stream(MuxConnection& connection, const char* type) {
  auto opened = connection.open_stream(Headers{{"streamtype", type}});
  if (!opened) {
    Error e = opened.error();
    e.message = fmt::format("could not open the exec {} stream: {}", type, e.message);
    return fail(std::move(e));
  }
  return std::move(*opened);
}

// stdin bytes and resizes go to streams of their own; each stream has one writer at a time, and
// a resize never waits behind a stdin write that waits for flow-control window.
class SpdyExecInput final : public DuplexInput {
 public:
  SpdyExecInput(std::shared_ptr<MuxConnection> connection, SpdyExecStreams streams)
      : connection_(std::move(connection)), streams_(std::move(streams)) {}

  Result<void> write(std::string_view bytes) noexcept override {
    try {
      std::lock_guard lock(stdin_mutex_);
      if (!streams_.input) return no_stdin();
      if (stdin_closed_) return fail(ErrorKind::Invalid, "stdin was already closed");
      return streams_.input->write(bytes);
    } catch (const std::exception& e) {
      return fail(ErrorKind::Internal, e.what());
    }
  }

  // A FIN on the stdin stream: the remote command reads EOF.
  Result<void> close_write() noexcept override {
    try {
      std::lock_guard lock(stdin_mutex_);
      if (!streams_.input) return no_stdin();
      if (stdin_closed_) return {};
      stdin_closed_ = true;
      return streams_.input->close_write();
    } catch (const std::exception& e) {
      return fail(ErrorKind::Internal, e.what());
    }
  }

  Result<void> resize(std::uint16_t columns, std::uint16_t rows) noexcept override {
    try {
      std::lock_guard lock(resize_mutex_);
      if (!streams_.resize)
        return fail(ErrorKind::Invalid, "this exec session has no terminal to resize (no TTY)");
      // The resize stream carries the JSON alone: the stream itself is the channel.
      const std::string message = encode_resize_message(TerminalSize{columns, rows});
      return streams_.resize->write(std::string_view(message).substr(1));
    } catch (const std::exception& e) {
      return fail(ErrorKind::Internal, e.what());
    }
  }

 private:
  static Result<void> no_stdin() {
    return fail(ErrorKind::Invalid, "this exec session has no stdin (it was not requested)");
  }

  std::shared_ptr<MuxConnection> connection_;  // keeps the streams' connection alive
  SpdyExecStreams streams_;
  std::mutex stdin_mutex_;
  std::mutex resize_mutex_;
  bool stdin_closed_ = false;
};

// Copies one output stream into the writer on its own thread until FIN, an error, or the
// consumer is gone. Joined by the destructor, so it never outlives the pump.
class OutputCopier {
 public:
  OutputCopier(std::shared_ptr<MuxStream> stream, ExecChannel channel, StreamWriter<ExecChunk>& out)
      : stream_(std::move(stream)), channel_(channel), out_(out) {
    if (stream_) thread_ = std::thread([this] { run(); });
  }
  ~OutputCopier() { join(); }
  OutputCopier(const OutputCopier&) = delete;
  OutputCopier& operator=(const OutputCopier&) = delete;

  void join() {
    if (thread_.joinable()) thread_.join();
  }
  // After join(): why reading stopped before a FIN, if it did.
  const std::optional<Error>& failure() const { return failure_; }

 private:
  void run() {
    try {
      for (;;) {
        std::string buffer(kOutputRead, '\0');
        auto n = stream_->read(buffer.data(), buffer.size());
        if (!n) {
          failure_ = n.error();
          return;
        }
        if (*n == 0) return;
        buffer.resize(*n);
        if (!out_.push(ExecChunk{channel_, std::move(buffer)})) return;
      }
    } catch (const std::exception& e) {
      failure_ = make_error(ErrorKind::Internal, e.what());
    }
  }

  std::shared_ptr<MuxStream> stream_;
  ExecChannel channel_;
  StreamWriter<ExecChunk>& out_;
  std::optional<Error> failure_;
  std::thread thread_;
};

// The error stream to its end: one Status JSON (or nothing, for success).
Result<ExecStatus> read_exec_outcome(MuxStream& error_stream, const CancelToken& cancel) {
  std::string status;
  char buffer[4096];
  for (;;) {
    auto n = error_stream.read(buffer, sizeof buffer);
    if (!n) {
      // The connection may end right after the Status, before its FIN: a whole Status counts.
      if (!status.empty() && nlohmann::json::accept(status)) return parse_exec_status(status);
      if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "exec was cancelled");
      Error e = n.error();
      e.message = "the exec session broke before the command finished: " + e.message;
      return fail(std::move(e));
    }
    if (*n == 0) break;
    status.append(buffer, *n);
    if (status.size() > kMaxStatus)
      return fail(ErrorKind::Transport, "the server sent more than 1 MiB on the exec error stream; "
                                        "that is not a Kubernetes exec status");
  }
  if (status.empty()) return fail(missing_exec_status());
  return parse_exec_status(status);
}

}  // namespace

Result<SpdyExecStreams> open_exec_streams(MuxConnection& connection, const ExecOptions& options) {
  SpdyExecStreams streams;
  auto reset_opened = [&streams] {
    for (auto* stream : {&streams.error, &streams.input, &streams.output, &streams.errors, &streams.resize})
      if (*stream) (*stream)->reset();
  };
  struct Wanted {
    std::shared_ptr<MuxStream>* slot;
    const char* type;
    bool wanted;
  };
  // kubectl's order; the kubelet waits for exactly the streams the URL asked for.
  const Wanted order[] = {
      {&streams.error, "error", true},
      {&streams.input, "stdin", options.stdin},
      {&streams.output, "stdout", true},
      {&streams.errors, "stderr", !options.tty},
      {&streams.resize, "resize", options.tty},
  };
  for (const Wanted& next : order) {
    if (!next.wanted) continue;
    auto opened = open_typed_stream(connection, next.type);
    if (!opened) {
      reset_opened();
      return fail(opened.error());
    }
    *next.slot = std::move(*opened);
  }
  return streams;
}

Result<ExecStatus> pump_spdy_exec_output(const SpdyExecStreams& streams, StreamWriter<ExecChunk>& out) {
  OutputCopier stdout_copier(streams.output, ExecChannel::Stdout, out);
  OutputCopier stderr_copier(streams.errors, ExecChannel::Stderr, out);
  auto outcome = read_exec_outcome(*streams.error, out.cancel());
  // The Status may come before the last output was read: the outcome waits for the output.
  stdout_copier.join();
  stderr_copier.join();
  // A read error after the Status arrived is the connection ending: end of output, not a failure.
  return outcome;
}

Result<DuplexStream<ExecChunk, ExecStatus>> start_spdy_exec(std::unique_ptr<MuxConnection> opened,
                                                            const ExecOptions& options,
                                                            const CancelToken& cancel) {
  std::shared_ptr<MuxConnection> connection(std::move(opened));
  if (connection->protocol() != kChannelProtocolV4) {
    connection->close();
    return fail(ErrorKind::Transport,
                fmt::format("the server chose the exec protocol \"{}\" over SPDY; orka speaks {} there",
                            connection->protocol(), kChannelProtocolV4),
                "retry with --transport websocket");
  }
  auto streams = open_exec_streams(*connection, options);
  if (!streams) {
    connection->close();
    return fail(streams.error());
  }
  auto input = std::make_shared<SpdyExecInput>(connection, *streams);
  if (options.tty && options.initial_size) {
    // Before any input. The server starts the command once the last stream is open and applies
    // a size only after the start, so a command that asks at once may still see none: that race
    // is on the server's side (kubectl loses it just as often).
    if (auto sent = input->resize(options.initial_size->columns, options.initial_size->rows); !sent) {
      connection->close();
      return fail(sent.error());
    }
  }
  auto output = Stream<ExecChunk, ExecStatus>::spawn(
      kOutputChunks, Overflow::Block, cancel,
      [connection, session = *streams](StreamWriter<ExecChunk>& out) {
        auto closer = out.cancel().on_cancel([connection] { connection->close(); });
        auto status = pump_spdy_exec_output(session, out);
        connection->close();
        return status;
      });
  return DuplexStream<ExecChunk, ExecStatus>(std::move(output), std::move(input));
}

}  // namespace orka::streaming
