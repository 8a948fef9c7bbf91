// What a GUI does with the orka host, in one small program: create a host from a kubeconfig,
// follow the logs of a deployment through a callback (pods that appear later included), run a
// command in it, forward a port to it and react to the forward's events, then cancel
// everything cleanly. It runs until its standard input ends (or SIGINT/SIGTERM, or --seconds).
//
//   orka-embed --deployment web [--namespace NS] [--kubeconfig FILE] [--port 80]
//              [--max-streams N] [--seconds S]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include <orka/host.hpp>
#include <orka/ops.hpp>

namespace {

std::mutex print_mutex;
void say(const std::string& line) {
  std::lock_guard lock(print_mutex);
  std::cout << line << std::endl;
}

// Consumes a stream on a thread of its own and hands each item to `on_item`, the way a GUI
// turns a stream into callbacks; the returned thread ends when the stream does.
template <class T, class Outcome, class OnItem, class OnEnd>
std::thread on_each(orka::Stream<T, Outcome>& stream, OnItem on_item, OnEnd on_end) {
  return std::thread([&stream, on_item, on_end] {
    std::uint64_t dropped = 0;
    for (;;) {
      auto received = stream.next();
      dropped += received.dropped_before;
      if (!received) break;
      on_item(*received.value);
    }
    on_end(stream.finish(), dropped);
  });
}

// A plain HTTP GET through the forward: the first line of the answer.
std::string http_get(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "socket failed";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t n;
      while ((n = ::read(fd, buffer, sizeof buffer)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  auto end = answer.find("\r\n");
  return answer.empty() ? "no answer" : answer.substr(0, end);
}

// Waits for the end of stdin, a signal, the time limit, or `stop()`.
void wait_until_told(int seconds, const std::function<bool()>& stop) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline && !stop()) {
    timespec zero{};
    if (sigtimedwait(&signals, nullptr, &zero) > 0) return;
    pollfd in{STDIN_FILENO, POLLIN, 0};
    if (::poll(&in, 1, 100) > 0) {
      char byte;
      if (::read(STDIN_FILENO, &byte, 1) <= 0) return;
    }
  }
}

struct Arguments {
  std::string deployment;
  std::string namespace_;
  std::string kubeconfig;
  std::string port = "80";
  std::size_t max_streams = orka::kDefaultMaxLogStreams;
  int seconds = 300;
};

bool parse(int argc, char** argv, Arguments& args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--deployment") args.deployment = value;
    else if (flag == "--namespace") args.namespace_ = value;
    else if (flag == "--kubeconfig") args.kubeconfig = value;
    else if (flag == "--port") args.port = value;
    else if (flag == "--max-streams") args.max_streams = std::stoul(value);
    else if (flag == "--seconds") args.seconds = std::stoi(value);
    else return false;
  }
  return !args.deployment.empty() && argc % 2 == 1;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  if (!parse(argc, argv, args)) {
    std::cerr << "usage: orka-embed --deployment NAME [--namespace NS] [--kubeconfig FILE] "
                 "[--port P] [--max-streams N] [--seconds S]\n";
    return 2;
  }
  // Signals are waited for, not handled: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  orka::HostOptions options;
  if (!args.kubeconfig.empty()) options.kubeconfig = args.kubeconfig;
  if (!args.namespace_.empty()) options.namespace_ = args.namespace_;
  options.plugin_paths = {ORKA_EMBED_PLUGINS_DIR};
  auto host = orka::Host::create(options);
  host->load_plugins();
  for (const auto& failure : host->load_errors()) say("plugin refused: " + failure.message);
  orka::Ops& ops = host->ops();
  orka::CancelToken cancel;  // cancelling it ends everything started below
  const std::string target = "deploy/" + args.deployment;

  // Logs of the deployment, followed: pods that appear later are followed too.
  orka::LogsRequest logs_request;
  logs_request.target = target;
  logs_request.log.follow = true;
  logs_request.log.tail_lines = 1;
  logs_request.max_streams = args.max_streams;
  logs_request.cancel = cancel;
  auto logs = ops.run<orka::LogsOp>(logs_request);
  std::atomic<bool> logs_failed{false};
  std::thread log_thread = on_each(
      logs,
      [](const orka::LogEvent& event) {
        const std::string stream = event.chunk.pod + "/" + event.chunk.container;
        switch (event.type) {
          case orka::LogEvent::Type::Line: say("logs: [" + stream + "] " + event.chunk.line); break;
          case orka::LogEvent::Type::StreamStarted:  // count > 0: the container restarted
            say(event.count > 0 ? "logs: " + stream + " restarted (restart " + std::to_string(event.count) + ")"
                                : "logs: started " + stream);
            break;
          case orka::LogEvent::Type::StreamEnded: say("logs: ended " + stream); break;
          case orka::LogEvent::Type::StreamFailed: say("logs: failed " + stream + ": " + event.error->message); break;
          case orka::LogEvent::Type::NotFollowed: say("logs: not following " + stream); break;
          case orka::LogEvent::Type::NoPods: say("logs: " + event.chunk.line); break;
        }
      },
      [&logs_failed](const orka::Result<orka::LogsOutcome>& outcome, std::uint64_t dropped) {
        if (!outcome && outcome.error().kind != orka::ErrorKind::Cancelled) {
          logs_failed = true;
          say("logs: refused: " + outcome.error().message);
        } else {
          say("logs: stopped (" + std::to_string(dropped) + " lines dropped)");
        }
      });

  // A command in one of its pods: output collected, the exit code at the end.
  orka::ExecRequest exec_request;
  exec_request.target = target;
  exec_request.command = {"sh", "-c", "echo hello from $(hostname)"};
  exec_request.options.cancel = cancel;
  exec_request.options.on_target = [](const orka::ExecTarget& chosen) {
    say("exec: in " + chosen.pod + "/" + chosen.container);
  };
  auto session = ops.run<orka::ExecOp>(exec_request);
  std::string output;
  while (auto chunk = session.next()) output += chunk.value->data;
  if (auto status = session.finish()) {
    if (!output.empty() && output.back() == '\n') output.pop_back();
    say("exec: " + output);
    say("exec: exit " + std::to_string(status->exit_code));
  } else {
    say("exec: failed: " + status.error().message);
  }

  // A port-forward to it, reacting to its events: once ready, ask it for a page.
  orka::ForwardRequest forward_request;
  forward_request.target = {"", "deploy", args.deployment};
  forward_request.ports = {orka::PortMapping{0, args.port}};
  forward_request.options.cancel = cancel;
  auto forward = ops.run<orka::ForwardOp>(forward_request);
  std::thread request_thread;  // the page request, joined before the program ends
  std::thread forward_thread = on_each(
      forward,
      [&request_thread](const orka::ForwardEvent& event) {
        switch (event.type) {
          case orka::ForwardEvent::Type::Ready:
            say("pf: ready 127.0.0.1:" + std::to_string(event.local_port) + " -> " +
                std::to_string(event.remote_port) + " (pod " + event.pod + ", " + event.transport + ")");
            // Reacting on the stream's own thread would hold it up: ask from another.
            if (!request_thread.joinable())
              request_thread = std::thread([port = event.local_port] { say("pf: GET / -> " + http_get(port)); });
            break;
          case orka::ForwardEvent::Type::ConnectionClosed:
            say("pf: connection " + std::to_string(event.connection) + " closed (" +
                std::to_string(event.bytes_in) + " bytes in, " + std::to_string(event.bytes_out) + " bytes out)");
            break;
          case orka::ForwardEvent::Type::ConnectionError: say("pf: connection error: " + event.message); break;
          case orka::ForwardEvent::Type::Retargeted: say("pf: " + event.message); break;
          default: break;
        }
      },
      [](const orka::Result<void>& outcome, std::uint64_t) {
        say(outcome ? std::string("pf: stopped") : "pf: failed: " + outcome.error().message);
      });

  wait_until_told(args.seconds, [&logs_failed] { return logs_failed.load(); });
  cancel.cancel();  // one token ends the log follow and the forward
  log_thread.join();
  forward_thread.join();
  if (request_thread.joinable()) request_thread.join();
  say("done: every stream ended");
  return logs_failed ? 1 : 0;
}
