#include "exec.hpp"

#include <optional>

#include <fmt/format.h>

#include "exec_spdy.hpp"
#include "exec_websocket.hpp"
#include "orka/channels.hpp"
#include "orka/duration.hpp"
#include "orka/object_names.hpp"
#include "orka/pod_targets.hpp"
#include "orka/transport_choice.hpp"

namespace orka::streaming {
namespace {

using Duplex = DuplexStream<ExecChunk, ExecStatus>;

// Sets the keepalive interval on a freshly opened connection (WebSocket or MuxConnection).
struct KeepaliveSetter {
  std::chrono::milliseconds interval;
  const std::function<void(int, std::string_view)>& log;
  template <class Connection>
  void operator()(Connection& connection) const {
    if (apply_keepalive(connection, interval)) {
      log(1, interval.count() > 0
                 ? fmt::format("exec: keepalive ping every {}", format_duration(interval))
                 : std::string("exec: keepalive pings off"));
    } else if (interval.count() > 0) {
      log(1, "exec: this API client's connections have no keepalive (orka/keepalive.hpp); an "
             "idle session may be cut by a proxy");
    }
  }
};

// Opens one attempt's connection and starts the session on it. The error of a failed open is
// returned untouched, so the caller can tell a protocol refusal from an API error.
Result<Duplex> start_attempt(Client& client, UpgradeRequest request, const TransportAttempt& attempt,
                             const ExecOptions& options, const CancelToken& cancel,
                             const KeepaliveSetter& keep_alive, std::string& protocol) {
  if (attempt.wire == WireTransport::WebSocket) {
    if (request.protocols.empty()) request.protocols = exec_protocols();
    auto socket = client.open_websocket(request, cancel);
    if (!socket) return fail(socket.error());
    protocol = (*socket)->protocol();
    keep_alive(**socket);
    return start_websocket_exec(std::move(*socket), options, cancel);
  }
  if (request.protocols.empty()) request.protocols = {std::string(kChannelProtocolV4)};
  const MuxFraming framing =
      attempt.wire == WireTransport::Spdy ? MuxFraming::HttpUpgrade : MuxFraming::WebSocketTunnel;
  auto connection = client.open_multiplexed(request, framing, cancel);
  if (!connection) return fail(connection.error());
  protocol = (*connection)->protocol();
  keep_alive(**connection);
  return start_spdy_exec(std::move(*connection), options, cancel);
}

}  // namespace

Error missing_exec_status() {
  return make_error(ErrorKind::Transport,
                    "the exec session ended before the remote command's exit status arrived: "
                    "whether and how the command finished is unknown",
                    "the connection to the API server was probably cut; run the command again "
                    "if it is safe to repeat");
}

std::string exec_path(const std::string& namespace_, const std::string& pod,
                      const std::string& container, const std::vector<std::string>& command,
                      const ExecOptions& options) {
  ApiPath path = pod_path(namespace_, pod).segment("exec");
  if (!container.empty()) path.query("container", container);
  for (const auto& arg : command) path.query("command", arg);
  if (options.stdin) path.query("stdin", "true");
  path.query("stdout", "true");
  // With a TTY the kubelet merges stderr into stdout; asking for both would be refused.
  if (options.tty)
    path.query("tty", "true");
  else
    path.query("stderr", "true");
  return path.str();
}

Result<void> validate_exec_request(const ExecRequest& request) {
  if (request.target.empty()) return fail_field("target", "must name the pod (or TYPE/NAME) to run in");
  if (request.command.empty()) return fail_field("command", "must name the command to run");
  return {};
}

Result<ExecTarget> ExecOps::resolve_target(Client& client, const std::string& namespace_,
                                           const ExecRequest& request) {
  auto target = parse_pod_target(request.target, /*allow_service=*/false);
  if (!target) return fail(target.error());
  ExecTarget chosen;
  chosen.container = request.container;
  // A pod and a container named: nothing to look up (the exec request itself says if either
  // is missing), which saves a round trip.
  if (target->kind == PodTargetKind::Pod && !request.container.empty()) {
    chosen.pod = target->name;
    return chosen;
  }
  nlohmann::json pod;
  if (target->kind == PodTargetKind::Pod) {
    auto got = get_pod(client, namespace_, target->name, request.options.cancel);
    if (!got) return fail(got.error());
    pod = std::move(*got);
  } else {
    auto pods = resolve_pods(client, namespace_, *target, request.options.cancel);
    if (!pods) return fail(pods.error());
    auto picked = pick_pod(*pods, *target, namespace_);
    if (!picked) return fail(picked.error());
    pod = std::move(*picked);
  }
  chosen.pod = pod_name(pod);
  chosen.containers = container_names(pod, false);
  if (chosen.container.empty()) {
    chosen.container = default_container(pod);
    chosen.container_defaulted = true;
  }
  return chosen;
}

Duplex ExecOpsV2::run(const ExecRequestV2& request) {
  if (request.keepalive.count() < 0)
    return Duplex::failed(field_error("keepalive", "must not be negative (0 turns keepalive off)"));
  return ops_->run(request.exec, request.keepalive);
}

Duplex ExecOps::run(const ExecRequest& exec_request, std::chrono::milliseconds keepalive) {
  if (auto valid = validate_exec_request(exec_request); !valid) return Duplex::failed(valid.error());
  const ExecOptions& options = exec_request.options;
  const std::vector<std::string>& command = exec_request.command;
  auto client = client_source_();
  if (!client) return Duplex::failed(client.error());
  const std::string namespace_ =
      exec_request.namespace_.empty() ? (*client)->default_namespace() : exec_request.namespace_;
  if (auto valid = check_namespace(namespace_); !valid) return Duplex::failed(valid.error());
  auto target = resolve_target(**client, namespace_, exec_request);
  if (!target) return Duplex::failed(target.error());
  if (options.on_target) options.on_target(*target);
  return exec(**client, PodRef{namespace_, target->pod}, target->container, command, options,
              keepalive);
}

Duplex ExecOps::exec(Client& client, const PodRef& pod, const std::string& container,
                     const std::vector<std::string>& command, const ExecOptions& options,
                     std::chrono::milliseconds keepalive) {
  const std::string& namespace_ = pod.namespace_;
  if (command.empty()) return Duplex::failed(field_error("command", "must name the command to run"));
  if (auto valid = check_pod_names(namespace_, pod.name); !valid)
    return Duplex::failed(valid.error());
  UpgradeRequest request;
  request.path = exec_path(namespace_, pod.name, container, command, options);
  request.permission = Permission{"create", "", "pods", "exec", namespace_, pod.name};
  // A child: DuplexStream::cancel() cancels this token and must not cancel the caller's.
  CancelToken cancel = options.cancel.child();

  std::optional<ServerVersion> server;
  if (options.transport == StreamTransport::Auto) {
    if (auto version = server_version_ ? server_version_(cancel) : fetch_server_version(client, cancel))
      server = std::move(*version);
    else
      log(1, fmt::format("exec: could not read the server version ({}); choosing without it",
                         version.error().message));
  }
  const TransportPlan plan = plan_exec_transport(options.transport, server, options.stdin);
  log(1, "exec: transport plan: " + describe(plan));
  if (plan.attempts.empty())
    return Duplex::failed(make_error(ErrorKind::Internal, "the exec transport plan has no attempt"));

  for (std::size_t i = 0; i < plan.attempts.size(); ++i) {
    const TransportAttempt& attempt = plan.attempts[i];
    request.protocols = attempt.protocols;
    std::string protocol;
    const std::function<void(int, std::string_view)> logger = [this](int level, std::string_view line) {
      log(level, line);
    };
    auto started = start_attempt(client, request, attempt, options, cancel,
                                 KeepaliveSetter{keepalive, logger}, protocol);
    if (started) {
      log(1, fmt::format("exec: using {} ({})", to_string(attempt.wire), protocol));
      return std::move(*started);
    }
    const bool last = i + 1 == plan.attempts.size();
    // Only an upgrade refused (by the server, or by a client without this wire form) is safe to
    // retry: nothing ran in the container yet.
    if (last || !protocol.empty() || !may_try_next_transport(started.error()))
      return Duplex::failed(started.error());
    log(1, fmt::format("exec: {} was refused ({}); trying {}", to_string(attempt.wire),
                       started.error().message, to_string(plan.attempts[i + 1].wire)));
  }
  return Duplex::failed(make_error(ErrorKind::Internal, "unreachable: every exec attempt returned"));
}

}  // namespace orka::streaming
