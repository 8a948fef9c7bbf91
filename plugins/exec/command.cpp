#include <algorithm>
#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include "exec_command.hpp"
#include "orka/command_args.hpp"
#include "orka/output.hpp"
#include "orka/pod_targets.hpp"
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

Result<int> run_exec(CommandContext& ctx) {
  auto parsed = parse_exec_args(ctx.args);
  if (!parsed) return fail(parsed.error());
  ExecCommandOptions options = std::move(*parsed);
  if (options.help) {
    ctx.out << options.help_text;
    return 0;
  }
  auto client = ctx.services.client();
  if (!client) return fail(client.error());
  auto namespace_ = ctx.services.default_namespace();
  if (!namespace_) return fail(namespace_.error());
  auto target = parse_pod_target(options.target, /*allow_service=*/false);
  if (!target) return fail(target.error());

  nlohmann::json pod;
  if (target->kind == PodTargetKind::Pod) {
    auto got = get_pod(**client, *namespace_, target->name, ctx.cancel);
    if (!got) return fail(got.error());
    pod = std::move(*got);
  } else {
    auto pods = resolve_pods(**client, *namespace_, *target, ctx.cancel);
    if (!pods) return fail(pods.error());
    auto picked = pick_pod(*pods, *target, *namespace_);
    if (!picked) return fail(picked.error());
    pod = std::move(*picked);
  }
  const std::string name = pod_name(pod);
  std::string container = options.container;
  if (container.empty()) {
    container = default_container(pod);
    auto all = container_names(pod, false);
    if (all.size() > 1 && !options.quiet)
      ctx.err << fmt::format("Defaulted container \"{}\" out of: {}\n", container, fmt::join(all, ", "));
  }

  bool tty = options.tty;
  if (tty && !is_terminal(STDIN_FILENO)) {
    if (!options.quiet) ctx.err << "warning: stdin is not a terminal; running without a TTY\n";
    tty = false;
  }
  ExecOptions exec;
  exec.stdin = options.stdin;
  exec.tty = tty;
  exec.transport = options.transport;
  exec.cancel = ctx.cancel;
  if (tty) exec.initial_size = terminal_size(STDIN_FILENO);

  auto session = ctx.ops.exec(PodRef{*namespace_, name}, container, options.command, exec);
  std::optional<RawTerminal> raw;
  if (tty && options.stdin) raw.emplace(STDIN_FILENO);
  auto cancel = ctx.cancel.on_cancel([&session] { session.cancel(); });
  std::optional<InputPump> input;
  if (options.stdin || tty) input.emplace(session, options.stdin, tty);

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

}  // namespace

Result<ExecCommandOptions> parse_exec_args(const std::vector<std::string>& args) {
  auto dashes = std::find(args.begin(), args.end(), "--");
  std::vector<std::string> flags(args.begin(), dashes);
  cxxopts::Options spec("exec", "Run a command in a container");
  spec.custom_help("POD|TYPE/NAME [-c CONTAINER] [-i] [-t] [--transport auto|websocket|spdy] -- COMMAND [ARGS...]");
  spec.positional_help("");
  // clang-format off
  spec.add_options()
    ("target", "pod or TYPE/NAME", cxxopts::value<std::vector<std::string>>())
    ("c,container", "the container (default: the pod's default container)", cxxopts::value<std::string>())
    ("i,stdin", "pass local stdin to the command")
    ("t,tty", "allocate a terminal (local terminal in raw mode)")
    ("transport", "auto|websocket|spdy: the wire form to the container. auto (default) picks by "
     "server version: WebSocket v5 where offered, else SPDY/3.1 when stdin is attached (so the "
     "command sees its end), else the faster form; -v shows the choice",
     cxxopts::value<std::string>())
    ("q,quiet", "no notices on stderr")
    ("h,help", "this help");
  // clang-format on
  spec.parse_positional({"target"});
  auto parsed = parse_command_args(spec, flags);
  if (!parsed) return fail(parsed.error());
  const auto& r = *parsed;
  ExecCommandOptions options;
  if (r.count("help")) {
    options.help = true;
    options.help_text = spec.help();
    return options;
  }
  if (!r.count("target"))
    return fail(ErrorKind::Usage, "name the pod (or TYPE/NAME) to run the command in",
                "e.g. `orka ops exec web-0 -- ls /`");
  auto targets = r["target"].as<std::vector<std::string>>();
  if (targets.size() > 1)
    return fail(ErrorKind::Usage,
                fmt::format("one target expected before --, got {}: {}", targets.size(), fmt::join(targets, " ")),
                "put the command after --: `orka ops exec POD -- COMMAND ARGS...`");
  options.target = targets.front();
  if (dashes == args.end() || dashes + 1 == args.end())
    return fail(ErrorKind::Usage, "no command given", "put it after --: `orka ops exec POD -- COMMAND ARGS...`");
  options.command.assign(dashes + 1, args.end());
  if (r.count("container")) options.container = r["container"].as<std::string>();
  options.stdin = r.count("stdin") > 0;
  options.tty = r.count("tty") > 0;
  options.quiet = r.count("quiet") > 0;
  if (r.count("transport")) {
    auto transport = parse_stream_transport(r["transport"].as<std::string>());
    if (!transport) {
      Error e = transport.error();
      e.kind = ErrorKind::Usage;
      return fail(std::move(e));
    }
    options.transport = *transport;
  }
  return options;
}

CommandSpec exec_command() {
  CommandSpec spec;
  spec.name = "exec";
  spec.summary = "Run a command in a container (stdin, TTY, exit code)";
  spec.usage =
      "orka ops exec POD|TYPE/NAME [-c CONTAINER] [-i] [-t] [--transport auto|websocket|spdy] -- COMMAND "
      "[ARGS...]";
  spec.run = run_exec;
  return spec;
}

}  // namespace orka::streaming
