#include "forward.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <list>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "orka/channels.hpp"
#include "orka/duration.hpp"
#include "orka/object_names.hpp"
#include "orka/transport_choice.hpp"
#include "port_mapping.hpp"
#include "spdy_forward.hpp"
#include "tcp_listener.hpp"

namespace orka::streaming {
namespace {

constexpr std::size_t kEventCapacity = 1024;
constexpr std::size_t kPumpBuffer = 256 * 1024;
constexpr std::chrono::milliseconds kPodCheckInterval{2000};

struct BoundListener {
  Listener listener;
  std::size_t mapping = 0;
};

class ForwardSession {
 public:
  ForwardSession(std::shared_ptr<Client> client, std::string namespace_, PodTarget target,
                 std::vector<PortMapping> ports, ForwardOptions options, ForwardDiagnostics diagnostics,
                 ServerVersionSource server_version, std::chrono::milliseconds keepalive)
      : client_(std::move(client)),
        namespace_(std::move(namespace_)),
        target_(std::move(target)),
        ports_(std::move(ports)),
        options_(std::move(options)),
        diagnostics_(std::move(diagnostics)),
        server_version_(std::move(server_version)),
        keepalive_(keepalive) {}

  Result<void> run(StreamWriter<ForwardEvent>& out) {
    const CancelToken& cancel = out.cancel();
    auto destination = resolve_destination(*client_, namespace_, target_, ports_, cancel);
    if (!destination) return fail(destination.error());
    {
      std::lock_guard lock(mutex_);
      destination_ = *destination;
    }
    // Decided once: every local connection of this forward uses the same wire.
    auto wire = choose_forward_wire(*client_, namespace_, destination->pod, options_.transport, cancel,
                                    diagnostics_, server_version_);
    if (!wire) return fail(wire.error());
    wire_ = wire->wire;
    wire_protocols_ = wire->protocols;
    if (wire_ != WireTransport::WebSocket) {
      link_ = std::make_unique<MuxLink>(client_, namespace_, mux_framing(wire_), wire_protocols_,
                                        [this](MuxConnection& connection) { keep_alive(connection); });
      link_->adopt(destination->pod, std::move(wire->connection));
    }
    std::vector<BoundListener> listeners;
    auto end_links = [&] {
      if (link_) link_->close_all();
    };
    auto close_listeners = [&] {
      for (auto& l : listeners) close_fd(l.listener.fd);
    };
    for (std::size_t i = 0; i < ports_.size(); ++i) {
      std::uint16_t port = ports_[i].local_port;
      for (const auto& address : options_.addresses) {
        auto bound = listen_on(address, port);
        if (!bound) {
          close_listeners();
          end_links();
          return fail(bound.error());
        }
        port = bound->port;  // a picked port is shared by every address
        listeners.push_back(BoundListener{*bound, i});
      }
    }
    for (const auto& l : listeners) {
      ForwardEvent ready;
      ready.type = ForwardEvent::Type::Ready;
      ready.local_address = l.listener.address;
      ready.local_port = l.listener.port;
      ready.remote_port = destination->remote_ports[l.mapping];
      ready.pod = destination->pod;
      ready.transport = std::string(to_string(wire_));
      out.push(std::move(ready));
    }

    int wake[2];
    if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
      close_listeners();
      end_links();
      return fail(ErrorKind::Internal, "cannot create a pipe");
    }
    auto waker = cancel.on_cancel([fd = wake[1]] {
      const char byte = 1;
      [[maybe_unused]] auto n = ::write(fd, &byte, 1);
    });
    CancelToken connections = cancel.child();
    Result<void> outcome;
    std::string reason = "cancelled";
    auto last_check = std::chrono::steady_clock::now();
    std::vector<pollfd> fds;
    while (!cancel.cancelled()) {
      fds.clear();
      fds.push_back(pollfd{wake[0], POLLIN, 0});
      for (const auto& l : listeners) fds.push_back(pollfd{l.listener.fd, POLLIN, 0});
      const int ready = ::poll(fds.data(), fds.size(), 500);
      if (ready < 0 && errno != EINTR) {
        outcome = fail(ErrorKind::Internal, fmt::format("poll failed: {}", std::strerror(errno)));
        reason = outcome.error().message;
        break;
      }
      if (cancel.cancelled()) break;
      for (std::size_t i = 0; ready > 0 && i < listeners.size(); ++i) {
        if (fds[i + 1].revents == 0) continue;
        for (;;) {
          const int fd = ::accept4(listeners[i].listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
          if (fd < 0) break;  // EAGAIN: all pending ones taken
          start_connection(fd, listeners[i], out, connections);
        }
      }
      reap();
      const auto now = std::chrono::steady_clock::now();
      if (check_pod_now_.exchange(false) || now - last_check >= kPodCheckInterval) {
        last_check = now;
        auto gone = check_destination(out, cancel);
        if (!gone) {
          outcome = fail(gone.error());
          reason = gone.error().message;
          break;
        }
      }
    }
    close_listeners();
    connections.cancel();
    end_links();  // a stream still waiting for the server's reply returns
    join_all();
    waker.reset();
    ::close(wake[0]);
    ::close(wake[1]);
    ForwardEvent closed;
    closed.type = ForwardEvent::Type::Closed;
    closed.message = reason;
    out.push(std::move(closed));
    return outcome;
  }

 private:
  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  // Ok while the forward may go on (possibly retargeted); an error ends it (bare pod gone).
  Result<void> check_destination(StreamWriter<ForwardEvent>& out, const CancelToken& cancel) {
    ForwardDestination current;
    {
      std::lock_guard lock(mutex_);
      current = destination_;
    }
    auto pod = get_pod(*client_, namespace_, current.pod, cancel);
    bool gone = false;
    if (!pod)
      gone = pod.error().kind == ErrorKind::NotFound;
    else
      gone = pod_deleting(*pod) || !pod_running(*pod) || (!current.uid.empty() && pod_uid(*pod) != current.uid);
    if (!gone) return {};
    if (target_.kind == PodTargetKind::Pod)
      return fail(ErrorKind::NotFound,
                  fmt::format("pod \"{}\" is gone (deleted or no longer running); the forward ends", current.pod),
                  "forward to its workload or service (deploy/NAME, svc/NAME) to follow a replacement pod");
    auto next = resolve_destination(*client_, namespace_, target_, ports_, cancel);
    if (!next || next->pod == current.pod) return {};  // no replacement yet: check again soon
    {
      std::lock_guard lock(mutex_);
      destination_ = *next;
    }
    ForwardEvent event;
    event.type = ForwardEvent::Type::Retargeted;
    event.pod = next->pod;
    event.transport = std::string(to_string(wire_));
    event.message = fmt::format("pod {} is gone; forwarding to pod {}", current.pod, next->pod);
    out.push(std::move(event));
    return {};
  }

  void start_connection(int fd, const BoundListener& listener, StreamWriter<ForwardEvent>& out,
                        const CancelToken& connections) {
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    ForwardDestination destination;
    {
      std::lock_guard lock(mutex_);
      destination = destination_;
    }
    auto connection = std::make_unique<Connection>();
    Connection* raw = connection.get();
    const std::uint64_t id = ++next_id_;
    const std::uint16_t remote = destination.remote_ports[listener.mapping];
    raw->thread = std::thread([this, raw, fd, id, remote, local = listener.listener, pod = destination.pod,
                               &out, shared = connections, cancel = connections.child()]() mutable {
      if (link_)
        bridge_spdy(fd, id, local, remote, pod, out, shared, cancel);
      else
        bridge_websocket(fd, id, local, remote, pod, out, cancel);
      raw->done = true;
    });
    connections_.push_back(std::move(connection));
  }

  static ForwardEvent connection_event(ForwardEvent::Type type, std::uint64_t id, const Listener& local,
                                       std::uint16_t remote, const std::string& pod) {
    ForwardEvent e;
    e.type = type;
    e.connection = id;
    e.local_address = local.address;
    e.local_port = local.port;
    e.remote_port = remote;
    e.pod = pod;
    return e;
  }

  // One stream pair on the forward's shared SPDY connection (reopened when it ended, under
  // `shared`: the connection outlives this local connection).
  void bridge_spdy(int fd, std::uint64_t id, const Listener& local, std::uint16_t remote, const std::string& pod,
                   StreamWriter<ForwardEvent>& out, const CancelToken& shared, const CancelToken& cancel) {
    auto event = [&](ForwardEvent::Type type) { return connection_event(type, id, local, remote, pod); };
    out.push(event(ForwardEvent::Type::ConnectionOpened));
    SpdyForwardOutcome outcome;
    auto connection = link_->acquire(pod, shared);
    if (!connection) {
      if (connection.error().kind == ErrorKind::NotFound) check_pod_now_ = true;
      if (connection.error().kind != ErrorKind::Cancelled) outcome.error = connection.error().message;
    } else {
      outcome = forward_over_spdy(fd, **connection, remote, next_request_id_++, cancel);
      // The pod or the API server went away: look now rather than at the next periodic check.
      if ((*connection)->closed()) check_pod_now_ = true;
      if (!outcome.error.empty() && !cancel.cancelled()) link_->retire(*connection);
    }
    if (!outcome.error.empty() && !cancel.cancelled()) {
      auto error = event(ForwardEvent::Type::ConnectionError);
      error.message = std::move(outcome.error);
      out.push(std::move(error));
    }
    ::close(fd);
    auto closed = event(ForwardEvent::Type::ConnectionClosed);
    closed.bytes_in = outcome.bytes_in;
    closed.bytes_out = outcome.bytes_out;
    out.push(std::move(closed));
  }

  // One WebSocket per local connection (the kubelet's port-forward WebSocket protocol).
  void bridge_websocket(int fd, std::uint64_t id, const Listener& local, std::uint16_t remote, const std::string& pod,
                        StreamWriter<ForwardEvent>& out, const CancelToken& cancel) {
    auto event = [&](ForwardEvent::Type type) { return connection_event(type, id, local, remote, pod); };
    out.push(event(ForwardEvent::Type::ConnectionOpened));
    UpgradeRequest request;
    request.path =
        pod_path(namespace_, pod).segment("portforward").query("ports", std::to_string(remote)).str();
    request.protocols = wire_protocols_;
    request.permission = Permission{"create", "", "pods", "portforward", namespace_, pod};
    auto opened = client_->open_websocket(request, cancel);
    std::uint64_t bytes_in = 0;
    std::atomic<std::uint64_t> bytes_out{0};
    if (!opened) {
      if (opened.error().kind == ErrorKind::NotFound) check_pod_now_ = true;
      auto error = event(ForwardEvent::Type::ConnectionError);
      error.message = opened.error().message;
      out.push(std::move(error));
    } else {
      std::shared_ptr<WebSocket> socket(std::move(*opened));
      keep_alive(*socket);
      // Cancellation runs every connection's callback one after another on one thread, so this
      // one must not wait: it only ends the local side. The client's own cancellation shuts the
      // WebSocket's connection down (a blocked receive or send returns), and each connection's
      // threads then close their socket in parallel. (Closing it here took up to a few hundred
      // ms per connection on a busy machine: 200 open connections took seconds to end.)
      auto closer = cancel.on_cancel([fd] { ::shutdown(fd, SHUT_RDWR); });
      std::atomic<bool> local_ended{false};  // the local client ended it: not a failure
      // Local client → pod, on its own thread; the payload is read after a channel byte so
      // the buffer goes out as one message without a copy.
      std::thread upstream([&] {
        std::string buffer(kPumpBuffer + 1, '\0');
        buffer[0] = static_cast<char>(portforward_data_channel(0));
        for (;;) {
          const ssize_t n = ::recv(fd, buffer.data() + 1, kPumpBuffer, 0);
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) break;
          if (!socket->send(WsOpcode::Binary, std::string_view(buffer.data(), static_cast<std::size_t>(n) + 1))) break;
          bytes_out += static_cast<std::uint64_t>(n);
        }
        // The WebSocket protocol has no half-close: the local side ending ends the connection.
        local_ended = true;
        socket->close();
      });
      PortForwardDecoder decoder({remote});
      std::string error_text;
      for (;;) {
        auto message = socket->receive();
        if (!message) {
          // Cut (an idle timeout, a dead keepalive, the server gone): a failure of this
          // connection, never a normal end. A local close() yields a Close message instead.
          if (message.error().kind != ErrorKind::Cancelled && !local_ended)
            error_text = message.error().message;
          break;
        }
        if (message->opcode == WsOpcode::Close) break;
        if (message->opcode != WsOpcode::Binary) continue;
        auto decoded = decoder.decode(message->payload);
        if (!decoded) {
          error_text = decoded.error().message;
          break;
        }
        if (!*decoded) continue;
        const PortForwardMessage& m = **decoded;
        if (m.kind == PortForwardMessage::Kind::Error) {
          if (!m.data.empty()) {
            error_text.assign(m.data);
            break;
          }
          continue;
        }
        if (!write_all(fd, m.data.data(), m.data.size())) break;
        bytes_in += m.data.size();
      }
      ::shutdown(fd, SHUT_RDWR);
      socket->close();
      upstream.join();
      if (!error_text.empty() && !cancel.cancelled()) {
        auto error = event(ForwardEvent::Type::ConnectionError);
        error.message = std::move(error_text);
        out.push(std::move(error));
      }
    }
    ::close(fd);
    auto closed = event(ForwardEvent::Type::ConnectionClosed);
    closed.bytes_in = bytes_in;
    closed.bytes_out = bytes_out.load();
    out.push(std::move(closed));
  }

  // Keepalive on a new connection to the API server; said once at -v.
  template <class Upgraded>
  void keep_alive(Upgraded& connection) {
    const bool applied = apply_keepalive(connection, keepalive_);
    if (keepalive_said_.exchange(true) || !diagnostics_) return;
    if (applied)
      diagnostics_(1, keepalive_.count() > 0
                          ? fmt::format("pf: keepalive ping every {}", format_duration(keepalive_))
                          : std::string("pf: keepalive pings off"));
    else if (keepalive_.count() > 0)
      diagnostics_(1, "pf: this API client's connections have no keepalive (orka/keepalive.hpp); "
                      "idle connections may be cut by a proxy");
  }

  void reap() {
    for (auto it = connections_.begin(); it != connections_.end();) {
      if ((*it)->done) {
        (*it)->thread.join();
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void join_all() {
    for (auto& c : connections_) c->thread.join();
    connections_.clear();
  }

  std::shared_ptr<Client> client_;
  std::string namespace_;
  PodTarget target_;
  std::vector<PortMapping> ports_;
  ForwardOptions options_;
  ForwardDiagnostics diagnostics_;
  ServerVersionSource server_version_;
  std::chrono::milliseconds keepalive_;
  std::atomic<bool> keepalive_said_{false};
  WireTransport wire_ = WireTransport::WebSocket;
  std::vector<std::string> wire_protocols_;
  std::unique_ptr<MuxLink> link_;  // the SPDY forms only
  std::atomic<std::uint64_t> next_request_id_{0};  // kubectl's requestID: a counter from 0
  std::mutex mutex_;
  ForwardDestination destination_;
  std::list<std::unique_ptr<Connection>> connections_;  // touched by the accept loop only
  std::uint64_t next_id_ = 0;
  std::atomic<bool> check_pod_now_{false};
};

}  // namespace

Result<PodTarget> forward_target(const ObjectRef& ref) {
  if (ref.type.empty()) return parse_pod_target(ref.name, /*allow_service=*/true);
  return parse_pod_target(ref.type + "/" + ref.name, /*allow_service=*/true);
}

Result<ForwardDestination> resolve_destination(Client& client, const std::string& namespace_,
                                               const PodTarget& target,
                                               const std::vector<PortMapping>& ports,
                                               const CancelToken& cancel) {
  nlohmann::json pod;
  std::vector<std::string> remotes;
  for (const auto& p : ports) remotes.push_back(p.remote);
  if (target.kind == PodTargetKind::Pod) {
    auto got = get_pod(client, namespace_, target.name, cancel);
    if (!got) return fail(got.error());
    if (!pod_running(*got) || pod_deleting(*got))
      return fail(ErrorKind::Unavailable, fmt::format("pod \"{}\" is not running", target.name),
                  "wait for it to start, or forward to its workload or service");
    pod = std::move(*got);
  } else if (target.kind == PodTargetKind::Service) {
    auto service = get_target(client, namespace_, target, cancel);
    if (!service) return fail(service.error());
    for (auto& remote : remotes) {
      auto mapped = service_target_port(*service, remote);
      if (!mapped) return fail(mapped.error());
      remote = *mapped;
    }
    auto pods = resolve_pods(client, namespace_, target, cancel);
    if (!pods) return fail(pods.error());
    auto picked = pick_pod(*pods, target, namespace_);
    if (!picked) return fail(picked.error());
    pod = std::move(*picked);
  } else {
    auto pods = resolve_pods(client, namespace_, target, cancel);
    if (!pods) return fail(pods.error());
    auto picked = pick_pod(*pods, target, namespace_);
    if (!picked) return fail(picked.error());
    pod = std::move(*picked);
  }
  ForwardDestination destination;
  destination.pod = pod_name(pod);
  destination.uid = pod_uid(pod);
  for (const auto& remote : remotes) {
    auto port = container_port(pod, remote);
    if (!port) return fail(port.error());
    destination.remote_ports.push_back(*port);
  }
  return destination;
}

Result<void> validate_forward_request(const ForwardRequest& request) {
  if (request.ports.empty()) return fail_field("ports", "must name at least one [LOCAL:]REMOTE");
  if (request.options.addresses.empty())
    return fail_field("addresses", "must name at least one local address to listen on");
  return check_distinct_local_ports(request.ports);
}

Stream<ForwardEvent> ForwardOpsV2::run(const ForwardRequestV2& request) {
  if (request.keepalive.count() < 0)
    return Stream<ForwardEvent>::failed(
        field_error("keepalive", "must not be negative (0 turns keepalive off)"));
  return ops_->run(request.forward, request.keepalive);
}

Stream<ForwardEvent> ForwardOps::run(const ForwardRequest& request,
                                     std::chrono::milliseconds keepalive) {
  const ObjectRef& target = request.target;
  const std::vector<PortMapping>& ports = request.ports;
  const ForwardOptions& options = request.options;
  if (auto valid = validate_forward_request(request); !valid)
    return Stream<ForwardEvent>::failed(valid.error());
  auto parsed = forward_target(target);
  if (!parsed) return Stream<ForwardEvent>::failed(parsed.error());
  auto client = client_source_();
  if (!client) return Stream<ForwardEvent>::failed(client.error());
  std::string namespace_ = target.namespace_.empty() ? (*client)->default_namespace() : target.namespace_;
  if (auto valid = check_namespace(namespace_); !valid) return Stream<ForwardEvent>::failed(valid.error());
  auto session = std::make_shared<ForwardSession>(*client, namespace_, *parsed, ports, options, diagnostics_,
                                                  server_version_, keepalive);
  // A child: Stream::cancel() ends this forward without cancelling the caller's token.
  return Stream<ForwardEvent>::spawn(kEventCapacity, Overflow::Block, options.cancel.child(),
                                     [session](StreamWriter<ForwardEvent>& out) { return session->run(out); });
}

}  // namespace orka::streaming
