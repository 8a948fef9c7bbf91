// `orka ops exec POD|TYPE/NAME [-c CONTAINER] [-i] [-t] [--transport T] [--keepalive D] -- COMMAND
// [ARGS...]`: flags → ExecRequestV2 → the exec op (version 2); local stdin (and the terminal's size) in, output out, the
// remote exit code as orka's.
#include <algorithm>
#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include "exec.hpp"
#include "exec_command.hpp"
#include "orka/command_shape.hpp"
#include "orka/ops/keepalive_field.hpp"
#include "orka/output.hpp"
#include "orka/transport_choice.hpp"
#include "terminal.hpp"

namespace orka::streaming {
namespace {

constexpr std::size_t kStdinRead = 64 * 1024;

// Feeds local stdin (and, with a TTY, window size changes) to the session until EOF, an
// error, or stop(). Runs on its own thread; the output loop stays on the caller's.
class InputPump {
 public:
  InputPump(DuplexStream<ExecChunk, ExecStatus>& session, bool forward_stdin, bool tty)
      : session_(session), forward_stdin_(forward_stdin), tty_(tty) {
    if (tty_) winch_.emplace();
    thread_ = std::thread([this] { run(); });
  }
  ~InputPump() { stop(); }

  void stop() {
    wake_.wake();
    if (thread_.joinable()) thread_.join();
  }

  // Printed by the caller's thread after the pump stopped (the only writer to err then).
  const std::string& warning() const { return warning_; }

 private:
  void run() {
    std::string buffer(kStdinRead, '\0');
    bool reading = forward_stdin_;
    for (;;) {
      pollfd fds[3];
      nfds_t count = 0;
      fds[count++] = pollfd{wake_.read_fd(), POLLIN, 0};
      const nfds_t winch_index = count;
      if (winch_) fds[count++] = pollfd{winch_->fd(), POLLIN, 0};
      const nfds_t stdin_index = count;
      if (reading) fds[count++] = pollfd{STDIN_FILENO, POLLIN, 0};
      if (::poll(fds, count, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[0].revents != 0) return;
      if (winch_ && fds[winch_index].revents != 0) {
        winch_->drain();
        if (auto size = terminal_size(STDIN_FILENO)) (void)session_.resize(size->columns, size->rows);
      }
      if (reading && fds[stdin_index].revents != 0) {
        const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) {
          reading = false;
          auto closed = session_.close_write();
          if (!closed && closed.error().kind == ErrorKind::Unsupported && !tty_)
            warning_ = "warning: " + closed.error().message + "\n";
          if (!winch_) return;
          continue;
        }
        if (!session_.write(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) return;
      }
    }
  }

  DuplexStream<ExecChunk, ExecStatus>& session_;
  bool forward_stdin_;
  bool tty_;
  std::optional<WindowChangeSignal> winch_;
  WakePipe wake_;
  std::string warning_;
  std::thread thread_;
};

struct ExecCommand {
  ExecRequest request;
  std::chrono::milliseconds keepalive = kDefaultKeepalive;
  bool quiet = false;

  static CommandInfo info() {
    return {"exec",
            {},
            "Run a command in a container (stdin, TTY, exit code)",
            "orka ops exec POD|TYPE/NAME [-c CONTAINER] [-i] [-t] [--transport auto|websocket|spdy]\n"
            "               [--keepalive DURATION] -- COMMAND [ARGS...]",
            ""};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    add("c,container", "the container (default: the pod's default container)",
        cxxopts::value<std::string>())
       ("i,stdin", "pass local stdin to the command")
       ("t,tty", "allocate a terminal (local terminal in raw mode)")
       ("transport", "auto|websocket|spdy: the wire form to the container. auto (default) picks by "
                     "server version: WebSocket v5 where offered, else SPDY/3.1 when stdin is "
                     "attached (so the command sees its end), else the faster form; -v shows the "
                     "choice",
        cxxopts::value<std::string>())
       ("keepalive", std::string(kKeepaliveFlagHelp), cxxopts::value<std::string>())
       ("q,quiet", "no notices on stderr");
  }
  static std::string_view flag_for(std::string_view field) {
    if (field == "container") return "-c/--container";
    if (field == "transport") return "--transport";
    if (field == "keepalive") return "--keepalive";
    return {};
  }

  Result<void> complete(const CommandArgs& args, CommandContext&) {
    const auto& positional = args.positional;
    if (positional.empty())
      return fail(ErrorKind::Usage, "name the pod (or TYPE/NAME) to run the command in",
                  "e.g. `orka ops exec web-0 -- ls /`");
    if (positional.size() > 1)
      return fail(ErrorKind::Usage,
                  fmt::format("one target expected before --, got {}: {}", positional.size(),
                              fmt::join(positional, " ")),
                  "put the command after --: `orka ops exec POD -- COMMAND ARGS...`");
    request.target = positional.front();
    if (!args.has_dashes || args.after_dashes.empty())
      return fail(ErrorKind::Usage, "no command given",
                  "put it after --: `orka ops exec POD -- COMMAND ARGS...`");
    request.command = args.after_dashes;
    const auto& flags = args.flags;
    if (flags.count("container")) request.container = flags["container"].as<std::string>();
    request.options.stdin = flags.count("stdin") > 0;
    request.options.tty = flags.count("tty") > 0;
    quiet = flags.count("quiet") > 0;
    if (flags.count("transport")) {
      auto transport = parse_stream_transport(flags["transport"].as<std::string>());
      if (!transport) return fail(transport.error());
      request.options.transport = *transport;
    }
    if (flags.count("keepalive")) {
      auto keepalive = parse_keepalive(flags["keepalive"].as<std::string>());
      if (!keepalive) return fail(keepalive.error());
      this->keepalive = *keepalive;
    }
    return {};
  }

  Result<void> validate() const { return validate_exec_request(request); }

  Result<int> run(CommandContext& ctx) {
    ExecOptions& exec = request.options;
    const bool forward_stdin = exec.stdin;
    if (exec.tty && !is_terminal(STDIN_FILENO)) {
      if (!quiet) ctx.err << "warning: stdin is not a terminal; running without a TTY\n";
      exec.tty = false;
    }
    const bool tty = exec.tty;
    exec.cancel = ctx.cancel;
    if (tty) exec.initial_size = terminal_size(STDIN_FILENO);
    exec.on_target = [&](const ExecTarget& target) {
      if (target.container_defaulted && target.containers.size() > 1 && !quiet)
        ctx.err << fmt::format("Defaulted container \"{}\" out of: {}\n", target.container,
                               fmt::join(target.containers, ", "));
    };

    auto session = ctx.ops.run<ExecOpV2>(ExecRequestV2{request, keepalive});
    std::optional<RawTerminal> raw;
    if (tty && forward_stdin) raw.emplace(STDIN_FILENO);
    auto cancel = ctx.cancel.on_cancel([&session] { session.cancel(); });
    std::optional<InputPump> input;
    if (forward_stdin || tty) input.emplace(session, forward_stdin, tty);

    for (;;) {
      auto chunk = session.next();
      if (!chunk) break;
      std::ostream& to = chunk.value->channel == ExecChannel::Stderr ? ctx.err : ctx.out;
      to.write(chunk.value->data.data(), static_cast<std::streamsize>(chunk.value->data.size()));
      to.flush();
    }
    auto outcome = session.finish();
    std::string warning;
    if (input) {
      input->stop();
      warning = input->warning();
      input.reset();
    }
    raw.reset();
    ctx.err << warning;
    if (!outcome) return fail(outcome.error());
    return outcome->exit_code;
  }
};

}  // namespace

CommandSpec exec_command() { return command_spec<ExecCommand>(); }

}  // namespace orka::streaming
