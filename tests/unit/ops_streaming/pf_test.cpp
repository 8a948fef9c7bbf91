#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "command_run.hpp"
#include "fakes.hpp"
#include "pf_json.hpp"
#include "forward.hpp"
#include "pf_command.hpp"
#include "port_mapping.hpp"
#include "recording_forward.hpp"

using namespace orka;
using namespace orka::streaming;
using orka::testing::RecordingForward;
using orka::testing::FakeClient;
using orka::testing::ScriptedWebSocket;

namespace {

constexpr const char* kPod = R"({"metadata":{"name":"web-1","uid":"u1","creationTimestamp":"2024-01-01T00:00:00Z"},
  "spec":{"containers":[{"name":"app","ports":[{"name":"http","containerPort":8080},{"name":"metrics","containerPort":9090}]}]},
  "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}})";
constexpr const char* kService = R"({"metadata":{"name":"web"},"spec":{"selector":{"app":"web"},
  "ports":[{"name":"http","port":80,"targetPort":"http"},{"name":"admin","port":81,"targetPort":9999},{"port":82}]}})";

// The events of one forwarded connection, up to its ConnectionClosed.
std::vector<ForwardEvent> events_until_closed(Stream<ForwardEvent>& events) {
  std::vector<ForwardEvent> seen;
  while (seen.empty() || seen.back().type != ForwardEvent::Type::ConnectionClosed) {
    auto e = events.next();
    REQUIRE(e);
    seen.push_back(*e.value);
  }
  return seen;
}

// A TCP connection to the forward's local port on 127.0.0.1.
int connect_local(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

}  // namespace

TEST_CASE("port specs") {
  auto same = parse_port_spec("8080");
  REQUIRE(same);
  CHECK(same->local_port == 8080);
  CHECK(same->remote == "8080");
  auto both = parse_port_spec("5000:80");
  REQUIRE(both);
  CHECK(both->local_port == 5000);
  CHECK(both->remote == "80");
  auto any = parse_port_spec(":80");
  REQUIRE(any);
  CHECK(any->local_port == 0);
  auto named = parse_port_spec("5000:http");
  REQUIRE(named);
  CHECK(named->remote == "http");
  for (const char* bad : {"", "0", "70000", "abc", "80:", ":", "x:80", "5000:Bad_Name", "-1"}) {
    CAPTURE(bad);
    auto r = parse_port_spec(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::Usage);
  }
  // A number out of range is called one, not "neither a number nor a port name".
  for (const char* out_of_range : {"70000", "-1", "99999999999999999999", "8080:70000"}) {
    CAPTURE(out_of_range);
    auto r = parse_port_spec(out_of_range);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("the remote port must be from 1 to 65535") != std::string::npos);
  }
  auto local = parse_port_spec("70000:80");
  REQUIRE_FALSE(local);
  CHECK(local.error().message.find("the local port is not a number from 1 to 65535") != std::string::npos);
}

TEST_CASE("service ports map by number or name to the target port") {
  auto service = nlohmann::json::parse(kService);
  CHECK(service_target_port(service, "80").value() == "http");
  CHECK(service_target_port(service, "http").value() == "http");
  CHECK(service_target_port(service, "admin").value() == "9999");
  CHECK(service_target_port(service, "82").value() == "82");  // targetPort defaults to port
  auto missing = service_target_port(service, "83");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("no port 83") != std::string::npos);
  auto pod = nlohmann::json::parse(kPod);
  CHECK(container_port(pod, "http").value() == 8080);
  CHECK(container_port(pod, "7000").value() == 7000);
  CHECK_FALSE(container_port(pod, "grpc"));
}

TEST_CASE("a service resolves to a ready pod and its container ports") {
  FakeClient client;
  client.json_bodies["/api/v1/namespaces/ns/services/web"] = kService;
  client.json_bodies["/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb"] =
      std::string(R"({"items":[)") + kPod + "]}";
  CancelToken cancel;
  std::vector<PortMapping> ports{{0, "http"}, {0, "81"}};
  auto destination = resolve_destination(client, "ns", PodTarget{PodTargetKind::Service, "web"}, ports, cancel);
  REQUIRE(destination);
  CHECK(destination->pod == "web-1");
  CHECK(destination->remote_ports == std::vector<std::uint16_t>{8080, 9999});
}


TEST_CASE("pf flags become the op's request") {
  RecordingForward op;
  auto r = orka::testing::run_command<ForwardOpV2>(
      pf_command(), op,
      {"svc/web", "8080:80", ":http", "--address", "localhost,::1", "--address", "0.0.0.0", "--json"});
  REQUIRE_MESSAGE(r.result, r.result.error().message);
  REQUIRE(op.seen);
  CHECK(op.seen->target.type == "svc");
  CHECK(op.seen->target.name == "web");
  REQUIRE(op.seen->ports.size() == 2);
  CHECK(op.seen->ports[1].local_port == 0);
  CHECK(op.seen->options.addresses == std::vector<std::string>{"127.0.0.1", "::1", "0.0.0.0"});
  RecordingForward defaults;
  REQUIRE(orka::testing::run_command<ForwardOpV2>(pf_command(), defaults, {"web-1", "80"}).result);
  CHECK(defaults.seen->target.type == "pod");
  CHECK(defaults.seen->options.addresses == std::vector<std::string>{"127.0.0.1"});
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {}, {"web-1"}, {"web-1", "x:y"}, {"web-1", "80", "--address", ""}, {"web-1", "80:1", "80:2"}}) {
    RecordingForward never;
    auto refused = orka::testing::run_command<ForwardOpV2>(pf_command(), never, bad);
    REQUIRE_FALSE(refused.result);
    CHECK(refused.result.error().kind == ErrorKind::Usage);
    CHECK_FALSE(never.seen);
  }
}

TEST_CASE("one local port given twice is a usage error naming it, before anything listens") {
  CHECK(check_distinct_local_ports({PortMapping{8080, "80"}, PortMapping{0, "81"}, PortMapping{0, "82"}}));
  auto twice = check_distinct_local_ports({PortMapping{8080, "80"}, PortMapping{9090, "90"},
                                           PortMapping{8080, "http"}});
  REQUIRE_FALSE(twice);
  CHECK(twice.error().kind == ErrorKind::Invalid);  // the command line makes it a usage error
  CHECK(twice.error().message.find("local port 8080 is given twice (for remote ports 80 and http)") == 0);

  auto client = std::make_shared<FakeClient>();
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "pod", "web-1"},
                                 {PortMapping{18080, "8080"}, PortMapping{18080, "8080"}}, ForwardOptions{}});
  CHECK_FALSE(events.next());
  auto outcome = events.finish();
  REQUIRE_FALSE(outcome);
  REQUIRE(outcome.error().causes.size() == 1);
  CHECK(outcome.error().causes[0].field == "ports");
  CHECK(outcome.error().message.find("local port 18080 is given twice") == 0);
}

TEST_CASE("events for humans and as JSON") {
  ForwardEvent ready;
  ready.type = ForwardEvent::Type::Ready;
  ready.local_address = "127.0.0.1";
  ready.local_port = 5000;
  ready.remote_port = 80;
  ready.pod = "web-1";
  CHECK(describe_event(ready, false) == "Forwarding from 127.0.0.1:5000 -> 80 (pod web-1)");
  auto json = forward_event_json(ready);
  CHECK(json["event"] == std::string(to_string(ForwardEvent::Type::Ready)));
  CHECK(json["local_port"] == 5000);
  ForwardEvent closed;
  closed.type = ForwardEvent::Type::ConnectionClosed;
  closed.connection = 3;
  closed.bytes_in = 10;
  closed.bytes_out = 20;
  CHECK(describe_event(closed, false).empty());
  CHECK(describe_event(closed, true) == "Connection 3 closed (10 bytes in, 20 bytes out)");
  CHECK(forward_event_json(closed)["bytes_out"] == 20);
}

TEST_CASE("bytes flow both ways through one forwarded connection; errors do not end the forward") {
  auto client = std::make_shared<FakeClient>();
  client->json_bodies["/api/v1/namespaces/ns/pods/web-1"] = kPod;
  auto first = std::make_unique<ScriptedWebSocket>("v4.channel.k8s.io");
  ScriptedWebSocket* socket = first.get();
  auto sent_log = std::make_shared<std::vector<std::string>>();
  socket->sent_log = sent_log;
  // The port prefix on both channels, then data from the pod.
  socket->script(WsOpcode::Binary, std::string("\x00\x90\x1f", 3));
  socket->script(WsOpcode::Binary, std::string("\x01\x90\x1f", 3));
  socket->script(WsOpcode::Binary, std::string("\x00hello", 6));
  client->websockets.push_back(std::move(first));
  // The second connection's pod side reports an error.
  auto second = std::make_unique<ScriptedWebSocket>("v4.channel.k8s.io");
  second->script(WsOpcode::Binary, std::string("\x00\x90\x1f", 3));
  second->script(WsOpcode::Binary, std::string("\x01\x90\x1f", 3));
  second->script(WsOpcode::Binary, std::string("\x01") + "connection refused");
  client->websockets.push_back(std::move(second));

  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, ForwardOptions{}});
  auto ready = events.next();
  REQUIRE(ready);
  CHECK(ready.value->type == ForwardEvent::Type::Ready);
  CHECK(ready.value->remote_port == 8080);
  REQUIRE(ready.value->local_port != 0);

  auto connect = [&] { return connect_local(ready.value->local_port); };
  int fd = connect();
  char buffer[16] = {};
  REQUIRE(::recv(fd, buffer, 5, MSG_WAITALL) == 5);
  CHECK(std::string(buffer, 5) == "hello");
  REQUIRE(::send(fd, "ping", 4, 0) == 4);
  socket->end_when([](const std::vector<std::string>& sent) { return !sent.empty(); });
  std::vector<ForwardEvent> seen = events_until_closed(events);
  ::close(fd);
  CHECK(seen.front().type == ForwardEvent::Type::ConnectionOpened);
  CHECK(seen.back().bytes_in == 5);
  CHECK(seen.back().bytes_out == 4);
  REQUIRE_FALSE(sent_log->empty());
  CHECK(sent_log->front() == std::string("\x00ping", 5));
  CHECK(client->websocket_paths.front() == "/api/v1/namespaces/ns/pods/web-1/portforward?ports=8080");

  int second_fd = connect();
  seen = events_until_closed(events);
  ::close(second_fd);
  bool error_seen = false;
  for (const auto& e : seen)
    if (e.type == ForwardEvent::Type::ConnectionError) error_seen = e.message == "connection refused";
  CHECK(error_seen);

  // Still listening: a third connection is accepted (its WebSocket fails: no more scripted).
  int third_fd = connect();
  seen = events_until_closed(events);
  ::close(third_fd);
  events.cancel();
  while (auto e = events.next()) seen.push_back(*e.value);
  CHECK(seen.back().type == ForwardEvent::Type::Closed);
  CHECK(events.finish());
}

TEST_CASE("cancelling a WebSocket forward ends its connections together, not one after another") {
  // Each socket's close() waits (at most 3 s) until every socket's close() has begun, as a stand-in
  // for the real close's wait for its Close frame. Closing them one after another on the
  // cancelling thread, as pf did, cannot get there: the next connection is not even told of the
  // cancellation until the previous close returned (200 open connections took seconds to end).
  constexpr std::size_t kConnections = 4;
  struct Barrier {
    std::mutex mutex;
    std::condition_variable all_in;
    std::set<const void*> entered;
    int timed_out = 0;
  };
  auto barrier = std::make_shared<Barrier>();
  auto client = std::make_shared<FakeClient>();
  client->json_bodies["/api/v1/namespaces/ns/pods/web-1"] = kPod;
  for (std::size_t i = 0; i < kConnections; ++i) {
    auto socket = std::make_unique<ScriptedWebSocket>("v4.channel.k8s.io");
    socket->on_close = [barrier, id = static_cast<const void*>(socket.get())] {
      std::unique_lock lock(barrier->mutex);
      barrier->entered.insert(id);
      barrier->all_in.notify_all();
      if (!barrier->all_in.wait_for(lock, std::chrono::seconds(3),
                                    [&] { return barrier->entered.size() == kConnections; }))
        ++barrier->timed_out;
    };
    client->websockets.push_back(std::move(socket));
  }
  ForwardOptions options;
  options.transport = StreamTransport::WebSocket;
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, options});
  auto ready = events.next();
  REQUIRE(ready);
  REQUIRE(ready.value->type == ForwardEvent::Type::Ready);

  std::vector<int> local;
  for (std::size_t i = 0; i < kConnections; ++i) {
    local.push_back(connect_local(ready.value->local_port));
  }
  std::size_t opened = 0;
  while (opened < kConnections) {
    auto e = events.next();
    REQUIRE(e);
    if (e.value->type == ForwardEvent::Type::ConnectionOpened) ++opened;
  }
  auto all_open = [&] {
    for (int i = 0; i < 500; ++i) {
      if (client->websockets_left() == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  REQUIRE(all_open());

  events.cancel();
  std::size_t closed = 0;
  while (auto e = events.next())
    if (e.value->type == ForwardEvent::Type::ConnectionClosed) ++closed;
  for (int fd : local) ::close(fd);
  CHECK(closed == kConnections);
  std::lock_guard lock(barrier->mutex);
  CHECK(barrier->entered.size() == kConnections);
  CHECK(barrier->timed_out == 0);
}

TEST_CASE("a bare pod that goes away ends the forward with an error") {
  auto client = std::make_shared<FakeClient>();
  client->json_sequence["/api/v1/namespaces/ns/pods/web-1"] = {kPod, R"({"metadata":{"name":"web-1","uid":"u2"},"status":{"phase":"Running"}})"};
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "pod", "web-1"}, {PortMapping{0, "8080"}}, ForwardOptions{}});
  std::vector<ForwardEvent> seen;
  while (auto e = events.next()) seen.push_back(*e.value);
  auto outcome = events.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().message.find("web-1") != std::string::npos);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].type == ForwardEvent::Type::Ready);
  CHECK(seen[1].type == ForwardEvent::Type::Closed);
}

// Found by tests/fuzz/pf/port_spec: value() threw on a pod or service whose fields have other
// types, and a containerPort outside 1-65535 wrapped into another port (70000 became 4464).
TEST_CASE("pod and service JSON of other shapes: no exception, no wrapped port") {
  auto odd_pod = nlohmann::json::parse(R"({"metadata":[],"spec":{"containers":[
    {"ports":[{"name":"http","containerPort":70000},{"name":7}]}, 5, {"ports":{"a":1}}]}})");
  auto wrapped = container_port(odd_pod, "http");
  REQUIRE_FALSE(wrapped);
  CHECK(wrapped.error().kind == ErrorKind::NotFound);
  CHECK_FALSE(container_port(nlohmann::json::array(), "http"));
  CHECK_FALSE(container_port(nlohmann::json::parse(R"({"spec":"x"})"), "http"));

  auto odd_service = nlohmann::json::parse(R"({"metadata":{"name":1},"spec":{"ports":[
    {"name":"http","port":"80","targetPort":70000}, 3, {"name":"grpc","port":90,"targetPort":[1]}]}})");
  auto no_number = service_target_port(odd_service, "http");
  REQUIRE_FALSE(no_number);
  CHECK(no_number.error().kind == ErrorKind::Invalid);
  CHECK(service_target_port(odd_service, "grpc").value() == "90");  // targetPort unusable: the port
  CHECK_FALSE(service_target_port(nlohmann::json::parse(R"({"spec":{"ports":"all"}})"), "80"));
}

TEST_CASE("pf --keepalive: a duration into the request (default 5 s, 0 for none); bad values refused") {
  RecordingForward defaults;
  REQUIRE(orka::testing::run_command<ForwardOpV2>(pf_command(), defaults, {"web-1", "80"}).result);
  CHECK(defaults.keepalive == kDefaultKeepalive);
  RecordingForward often;
  REQUIRE(orka::testing::run_command<ForwardOpV2>(pf_command(), often, {"web-1", "80", "--keepalive", "1s"}).result);
  CHECK(often.keepalive == std::chrono::seconds(1));
  RecordingForward off;
  REQUIRE(orka::testing::run_command<ForwardOpV2>(pf_command(), off, {"web-1", "80", "--keepalive", "0"}).result);
  CHECK(off.keepalive == std::chrono::milliseconds(0));
  RecordingForward never;
  auto bad = orka::testing::run_command<ForwardOpV2>(pf_command(), never, {"web-1", "80", "--keepalive", "later"}).result;
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::Usage);
  CHECK(bad.error().message.find("--keepalive") != std::string::npos);
  CHECK_FALSE(never.seen);
}

TEST_CASE("a WebSocket cut under a forwarded connection is a ConnectionError; keepalive reaches it") {
  auto client = std::make_shared<FakeClient>();
  client->json_bodies["/api/v1/namespaces/ns/pods/web-1"] = kPod;
  auto socket = std::make_unique<ScriptedWebSocket>("v4.channel.k8s.io");
  auto keepalive_seen = socket->keepalive_ms;
  socket->script(WsOpcode::Binary, std::string("\x00\x90\x1f", 3));
  socket->script(WsOpcode::Binary, std::string("\x01\x90\x1f", 3));
  socket->cut("connection to 127.0.0.1:6443 lost: unexpected end of stream");
  client->websockets.push_back(std::move(socket));

  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, ForwardOptions{}},
                        std::chrono::milliseconds(1500));
  auto ready = events.next();
  REQUIRE(ready);
  REQUIRE(ready.value->type == ForwardEvent::Type::Ready);
  int fd = connect_local(ready.value->local_port);
  std::vector<ForwardEvent> seen = events_until_closed(events);
  ::close(fd);
  std::string error;
  for (const auto& e : seen)
    if (e.type == ForwardEvent::Type::ConnectionError) error = e.message;
  CHECK(error == "connection to 127.0.0.1:6443 lost: unexpected end of stream");
  CHECK(keepalive_seen->load() == 1500);
  events.cancel();
  while (events.next()) {
  }
  CHECK(events.finish());
}
