// port-forward over SPDY/3.1 and the forward transport choice, against a scripted MuxConnection.
#include <doctest/doctest.h>
#include <doctest/trompeloeil.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <set>
#include <mutex>
#include <thread>

#include "command_run.hpp"
#include "forward.hpp"
#include "pf_json.hpp"
#include "mock_client.hpp"
#include "recording_forward.hpp"
#include "orka/transport_choice.hpp"
#include "pf_command.hpp"

using namespace orka;
using namespace orka::streaming;
using orka::testing::RecordingForward;
using orka::testing::MockClient;
using trompeloeil::_;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
constexpr auto kPatience = std::chrono::seconds(10);

constexpr const char* kPod = R"({"metadata":{"name":"web-1","uid":"u1","creationTimestamp":"2024-01-01T00:00:00Z"},
  "spec":{"containers":[{"name":"app","ports":[{"name":"http","containerPort":8080}]}]},
  "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}})";

// What the fake server side of one MuxConnection knows; outlives the connection the op owns.
struct MuxScript;

class FakeMuxStream final : public MuxStream {
 public:
  FakeMuxStream(MuxScript& script, Headers headers) : headers(std::move(headers)), script_(script) {}
  Result<std::size_t> read(char* buffer, std::size_t size) override;
  Result<void> write(std::string_view bytes) override;
  Result<void> close_write() override;
  void reset() noexcept override;

  // Test side (the server).
  void feed(const std::string& bytes);
  void finish();  // FIN
  std::string value(const std::string& name) const {
    for (const auto& [key, v] : headers)
      if (key == name) return v;
    return "";
  }

  const Headers headers;
  // Guarded by the script's mutex.
  std::string incoming;
  bool fin = false;
  std::string written;
  bool write_closed = false;
  bool was_reset = false;

 private:
  MuxScript& script_;
};

struct MuxScript {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::shared_ptr<FakeMuxStream>> streams;
  std::vector<std::string> log;  // "open error 0", "close_write error 0", ...
  bool closed = false;
  bool echo = false;  // data streams answer what they get, and FIN after the client's FIN

  template <class Predicate>
  bool wait(Predicate predicate) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, kPatience, [&] { return predicate(); });
  }
  std::shared_ptr<FakeMuxStream> stream(std::size_t index) {
    bool there = wait([&] { return streams.size() > index; });
    REQUIRE(there);
    std::lock_guard lock(mutex);
    return streams[index];
  }
  void server_close() {
    std::lock_guard lock(mutex);
    closed = true;
    changed.notify_all();
  }
};

Result<std::size_t> FakeMuxStream::read(char* buffer, std::size_t size) {
  std::unique_lock lock(script_.mutex);
  script_.changed.wait(lock, [&] { return !incoming.empty() || fin || was_reset || script_.closed; });
  if (was_reset) return fail(ErrorKind::Transport, "stream reset");
  if (!incoming.empty()) {
    const std::size_t n = std::min(size, incoming.size());
    std::copy_n(incoming.data(), n, buffer);
    incoming.erase(0, n);
    return n;
  }
  if (fin) return std::size_t{0};
  return fail(ErrorKind::Transport, "the SPDY connection ended");
}

Result<void> FakeMuxStream::write(std::string_view bytes) {
  std::lock_guard lock(script_.mutex);
  if (was_reset || write_closed || script_.closed) return fail(ErrorKind::Transport, "cannot write");
  written.append(bytes);
  if (script_.echo && value("streamtype") == "data") incoming.append(bytes);
  script_.changed.notify_all();
  return {};
}

Result<void> FakeMuxStream::close_write() {
  std::lock_guard lock(script_.mutex);
  if (!write_closed) script_.log.push_back("close_write " + value("streamtype") + " " + value("requestid"));
  write_closed = true;
  if (script_.echo && value("streamtype") == "data") {
    fin = true;
    for (auto& other : script_.streams)
      if (other->value("requestid") == value("requestid")) other->fin = true;
  }
  script_.changed.notify_all();
  return {};
}

void FakeMuxStream::reset() noexcept {
  std::lock_guard lock(script_.mutex);
  was_reset = true;
  script_.changed.notify_all();
}

void FakeMuxStream::feed(const std::string& bytes) {
  std::lock_guard lock(script_.mutex);
  incoming += bytes;
  script_.changed.notify_all();
}

void FakeMuxStream::finish() {
  std::lock_guard lock(script_.mutex);
  fin = true;
  script_.changed.notify_all();
}

class FakeMuxConnection final : public MuxConnection {
 public:
  FakeMuxConnection(std::shared_ptr<MuxScript> script, MuxFraming framing)
      : script_(std::move(script)), framing_(framing) {}
  ~FakeMuxConnection() override { close(); }
  const std::string& protocol() const override { return protocol_; }
  MuxFraming framing() const override { return framing_; }
  Result<std::shared_ptr<MuxStream>> open_stream(const Headers& headers) override {
    std::lock_guard lock(script_->mutex);
    if (script_->closed) return fail(ErrorKind::Transport, "the SPDY connection ended");
    auto stream = std::make_shared<FakeMuxStream>(*script_, headers);
    script_->log.push_back("open " + stream->value("streamtype") + " " + stream->value("requestid"));
    script_->streams.push_back(stream);
    script_->changed.notify_all();
    return std::shared_ptr<MuxStream>(stream);
  }
  bool closed() const override {
    std::lock_guard lock(script_->mutex);
    return script_->closed;
  }
  void close() noexcept override { script_->server_close(); }

 private:
  std::shared_ptr<MuxScript> script_;
  MuxFraming framing_;
  std::string protocol_ = "portforward.k8s.io";
};

Result<std::unique_ptr<MuxConnection>> fake_connection(const std::shared_ptr<MuxScript>& script, MuxFraming framing) {
  return std::unique_ptr<MuxConnection>(std::make_unique<FakeMuxConnection>(script, framing));
}

Error refusal() {
  Error e = make_error(ErrorKind::Forbidden, "upgrade refused");
  e.http_status = 403;  // the kubelet's answer to a protocol it does not speak; no Status reason
  return e;
}

// The API answers: the pod, and /version when `version` is set.
void serve_api(MockClient& client, std::vector<std::unique_ptr<trompeloeil::expectation>>& keep,
               const std::string& version) {
  keep.push_back(NAMED_ALLOW_CALL(client, send(_, _)).RETURN([version](const Request& request) -> Result<Response> {
    if (request.path == "/api/v1/namespaces/ns/pods/web-1") return orka::testing::json_response(200, kPod);
    if (request.path == "/version" && !version.empty())
      return orka::testing::json_response(200, R"({"major":"1","minor":")" + version + R"(","gitVersion":"v1.)" +
                                                   version + R"(.0"})");
    Error e = make_error(ErrorKind::NotFound, "not found: " + request.path);
    e.http_status = 404;
    return fail(std::move(e));
  }(_1)));
}

int connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  timeval timeout{10, 0};  // a hung op fails the test instead of hanging it
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

std::string receive_exactly(int fd, std::size_t size) {
  std::string bytes(size, '\0');
  const ssize_t n = ::recv(fd, bytes.data(), size, MSG_WAITALL);
  bytes.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return bytes;
}

// Events until `done` says stop (or the stream ended).
template <class Done>
std::vector<ForwardEvent> events_until(Stream<ForwardEvent>& events, Done done) {
  std::vector<ForwardEvent> seen;
  while (auto e = events.next()) {
    seen.push_back(*e.value);
    if (done(seen.back())) break;
  }
  return seen;
}

bool closed_event(const ForwardEvent& e, std::uint64_t connection) {
  return e.type == ForwardEvent::Type::ConnectionClosed && e.connection == connection;
}

void end_forward(Stream<ForwardEvent>& events) {
  events.cancel();
  while (events.next()) {
  }
  CHECK(events.finish());
}

}  // namespace

TEST_CASE("SPDY port-forward: stream headers and order, data both ways, half-close both ways") {
  auto client = std::make_shared<MockClient>();
  std::vector<std::unique_ptr<trompeloeil::expectation>> keep;
  serve_api(*client, keep, "20");
  auto script = std::make_shared<MuxScript>();
  std::string path;
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _))
      .LR_SIDE_EFFECT(path = _1.path)
      .WITH(_1.protocols == std::vector<std::string>{"portforward.k8s.io"})
      .RETURN(fake_connection(script, MuxFraming::HttpUpgrade));
  std::vector<std::string> diagnostics;
  std::mutex diagnostics_mutex;
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); },
                 [&](int level, std::string_view line) {
                   std::lock_guard lock(diagnostics_mutex);
                   diagnostics.push_back(std::to_string(level) + " " + std::string(line));
                 });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, ForwardOptions{}});
  auto ready = events.next();
  REQUIRE(ready);
  REQUIRE(ready.value->type == ForwardEvent::Type::Ready);
  CHECK(ready.value->transport == "SPDY/3.1");
  CHECK(path == "/api/v1/namespaces/ns/pods/web-1/portforward");
  {
    std::lock_guard lock(diagnostics_mutex);
    REQUIRE(diagnostics.size() == 3);
    CHECK(diagnostics[0].rfind("1 pf: transport plan: SPDY/3.1, then WebSocket (server v1.20.0", 0) == 0);
    CHECK(diagnostics[1] == "1 pf: using SPDY/3.1 (portforward.k8s.io)");
    // The scripted connection is no KeepaliveControl: said once, at -v.
    CHECK(diagnostics[2].rfind("1 pf: this API client's connections have no keepalive", 0) == 0);
  }

  int fd = connect_to(ready.value->local_port);
  auto error_stream = script->stream(0);
  auto data_stream = script->stream(1);
  CHECK(error_stream->headers == Headers{{"streamtype", "error"}, {"port", "8080"}, {"requestid", "0"}});
  CHECK(data_stream->headers == Headers{{"streamtype", "data"}, {"port", "8080"}, {"requestid", "0"}});
  {
    std::lock_guard lock(script->mutex);
    // The error stream is half-closed before the data stream opens.
    CHECK(script->log == std::vector<std::string>{"open error 0", "close_write error 0", "open data 0"});
  }

  data_stream->feed("hello");
  CHECK(receive_exactly(fd, 5) == "hello");
  REQUIRE(::send(fd, "ping", 4, 0) == 4);
  CHECK(script->wait([&] { return data_stream->written == "ping"; }));
  // The local client is done sending: a FIN on the data stream, and the answer still arrives.
  ::shutdown(fd, SHUT_WR);
  CHECK(script->wait([&] { return data_stream->write_closed; }));
  data_stream->feed("pong!");
  CHECK(receive_exactly(fd, 5) == "pong!");
  // The pod's FIN: the local client reads EOF.
  data_stream->finish();
  error_stream->finish();
  char byte;
  CHECK(::recv(fd, &byte, 1, 0) == 0);
  auto seen = events_until(events, [](const ForwardEvent& e) { return closed_event(e, 1); });
  ::close(fd);
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.front().type == ForwardEvent::Type::ConnectionOpened);
  CHECK(seen.back().bytes_in == 10);
  CHECK(seen.back().bytes_out == 4);
  for (const auto& e : seen) CHECK(e.type != ForwardEvent::Type::ConnectionError);
  {
    std::lock_guard lock(script->mutex);
    CHECK(data_stream->was_reset);  // removed once done, like kubectl
    CHECK(error_stream->was_reset);
  }
  end_forward(events);
}

TEST_CASE("SPDY port-forward: an error-stream message fails only its own connection") {
  auto client = std::make_shared<MockClient>();
  std::vector<std::unique_ptr<trompeloeil::expectation>> keep;
  serve_api(*client, keep, "");
  auto script = std::make_shared<MuxScript>();
  // --transport spdy with no version known: plain SPDY first.
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _))
      .RETURN(fake_connection(script, MuxFraming::HttpUpgrade));
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  ForwardOptions options;
  options.transport = StreamTransport::Spdy;
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, options});
  auto ready = events.next();
  REQUIRE(ready);
  REQUIRE(ready.value->type == ForwardEvent::Type::Ready);
  CHECK(ready.value->transport == "SPDY/3.1");

  int failing = connect_to(ready.value->local_port);
  auto failing_error = script->stream(0);
  auto failing_data = script->stream(1);
  int healthy = connect_to(ready.value->local_port);
  auto healthy_error = script->stream(2);
  auto healthy_data = script->stream(3);
  CHECK(healthy_data->value("requestid") == "1");
  CHECK(healthy_error->value("requestid") == "1");

  // As the kubelet does (pkg/kubelet/cri/streaming/portforward/httpstream.go): the error text,
  // then the error stream closed, then the data stream.
  failing_error->feed("error forwarding port 8080 to pod web-1: connection refused");
  failing_error->finish();
  failing_data->finish();
  auto seen = events_until(events, [](const ForwardEvent& e) { return closed_event(e, 1); });
  bool error_seen = false;
  for (const auto& e : seen) {
    if (e.type != ForwardEvent::Type::ConnectionError) continue;
    CHECK(e.connection == 1);
    error_seen = e.message == "error forwarding port 8080 to pod web-1: connection refused";
  }
  CHECK(error_seen);
  char byte;
  CHECK(::recv(failing, &byte, 1, 0) == 0);
  ::close(failing);
  {
    std::lock_guard lock(script->mutex);
    CHECK(failing_data->was_reset);
    CHECK_FALSE(healthy_data->was_reset);
    CHECK_FALSE(healthy_error->was_reset);
    CHECK_FALSE(script->closed);
  }

  // The other connection goes on, both ways.
  healthy_data->feed("still here");
  CHECK(receive_exactly(healthy, 10) == "still here");
  REQUIRE(::send(healthy, "ok", 2, 0) == 2);
  CHECK(script->wait([&] { return healthy_data->written == "ok"; }));
  ::close(healthy);
  healthy_data->finish();
  healthy_error->finish();
  seen = events_until(events, [](const ForwardEvent& e) { return closed_event(e, 2); });
  REQUIRE_FALSE(seen.empty());
  for (const auto& e : seen) CHECK(e.type != ForwardEvent::Type::ConnectionError);
  CHECK(seen.back().bytes_in == 10);
  CHECK(seen.back().bytes_out == 2);
  end_forward(events);
}

TEST_CASE("SPDY port-forward: a new MuxConnection once the previous one ended") {
  auto client = std::make_shared<MockClient>();
  std::vector<std::unique_ptr<trompeloeil::expectation>> keep;
  serve_api(*client, keep, "20");
  auto first = std::make_shared<MuxScript>();
  auto second = std::make_shared<MuxScript>();
  trompeloeil::sequence order;
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _))
      .IN_SEQUENCE(order)
      .RETURN(fake_connection(first, MuxFraming::HttpUpgrade));
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _))
      .IN_SEQUENCE(order)
      .WITH(_1.path == "/api/v1/namespaces/ns/pods/web-1/portforward")
      .RETURN(fake_connection(second, MuxFraming::HttpUpgrade));
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, ForwardOptions{}});
  auto ready = events.next();
  REQUIRE(ready);
  REQUIRE(ready.value->type == ForwardEvent::Type::Ready);

  int one = connect_to(ready.value->local_port);
  auto one_data = first->stream(1);
  one_data->feed("a");
  CHECK(receive_exactly(one, 1) == "a");
  first->server_close();  // e.g. the API server restarted
  auto seen = events_until(events, [](const ForwardEvent& e) { return closed_event(e, 1); });
  bool error_seen = false;
  for (const auto& e : seen) error_seen = error_seen || e.type == ForwardEvent::Type::ConnectionError;
  CHECK(error_seen);
  ::close(one);

  int two = connect_to(ready.value->local_port);
  auto two_error = second->stream(0);
  auto two_data = second->stream(1);
  CHECK(two_data->value("requestid") == "1");
  two_data->feed("b");
  CHECK(receive_exactly(two, 1) == "b");
  ::close(two);
  two_data->finish();
  two_error->finish();
  seen = events_until(events, [](const ForwardEvent& e) { return closed_event(e, 2); });
  for (const auto& e : seen) CHECK(e.type != ForwardEvent::Type::ConnectionError);
  end_forward(events);
  std::lock_guard lock(second->mutex);
  CHECK(second->closed);  // the forward's end closes its connection
}

TEST_CASE("SPDY port-forward: after a failed connection new ones get a fresh MuxConnection") {
  // The kubelet's SPDY library can leave a frame worker blocked on the failed stream, stalling
  // later streams of that connection; connections already running stay where they are.
  auto client = std::make_shared<MockClient>();
  std::vector<std::unique_ptr<trompeloeil::expectation>> keep;
  serve_api(*client, keep, "20");
  auto first = std::make_shared<MuxScript>();
  auto second = std::make_shared<MuxScript>();
  trompeloeil::sequence order;
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _))
      .IN_SEQUENCE(order)
      .RETURN(fake_connection(first, MuxFraming::HttpUpgrade));
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _))
      .IN_SEQUENCE(order)
      .RETURN(fake_connection(second, MuxFraming::HttpUpgrade));
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, ForwardOptions{}});
  auto ready = events.next();
  REQUIRE(ready);
  REQUIRE(ready.value->type == ForwardEvent::Type::Ready);

  int failing = connect_to(ready.value->local_port);
  auto failing_error = first->stream(0);
  auto failing_data = first->stream(1);
  failing_error->feed("error forwarding port 8080 to pod web-1: connection refused");
  failing_error->finish();
  failing_data->finish();  // as the kubelet does, after the error stream
  events_until(events, [](const ForwardEvent& e) { return closed_event(e, 1); });
  ::close(failing);

  int next = connect_to(ready.value->local_port);
  auto next_error = second->stream(0);
  auto next_data = second->stream(1);
  next_data->feed("fresh");
  CHECK(receive_exactly(next, 5) == "fresh");
  ::close(next);
  next_data->finish();
  next_error->finish();
  auto seen = events_until(events, [](const ForwardEvent& e) { return closed_event(e, 2); });
  for (const auto& e : seen) CHECK(e.type != ForwardEvent::Type::ConnectionError);
  end_forward(events);
}

TEST_CASE("SPDY port-forward: 200 simultaneous connections over one MuxConnection") {
  auto client = std::make_shared<MockClient>();
  std::vector<std::unique_ptr<trompeloeil::expectation>> keep;
  serve_api(*client, keep, "20");
  auto script = std::make_shared<MuxScript>();
  script->echo = true;
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _)).RETURN(fake_connection(script, MuxFraming::HttpUpgrade));
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, ForwardOptions{}});
  auto ready = events.next();
  REQUIRE(ready);
  REQUIRE(ready.value->type == ForwardEvent::Type::Ready);
  constexpr int kConnections = 200;
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) fds.push_back(connect_to(ready.value->local_port));
  // Every connection is open at once before any of them finishes.
  CHECK(script->wait([&] { return script->streams.size() == 2 * kConnections; }));
  std::atomic<int> echoed{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kConnections; ++i) {
    clients.emplace_back([&, i] {
      const std::string message = "request " + std::to_string(i) + "\n";
      if (::send(fds[i], message.data(), message.size(), 0) != static_cast<ssize_t>(message.size())) return;
      if (receive_exactly(fds[i], message.size()) == message) ++echoed;
      ::shutdown(fds[i], SHUT_WR);
      char byte;
      if (::recv(fds[i], &byte, 1, 0) != 0) --echoed;  // the pod's FIN after ours
      ::close(fds[i]);
    });
  }
  for (auto& t : clients) t.join();
  CHECK(echoed == kConnections);
  int closed = 0;
  std::set<std::string> request_ids;
  while (closed < kConnections) {
    auto e = events.next();
    REQUIRE(e);
    CHECK(e.value->type != ForwardEvent::Type::ConnectionError);
    if (e.value->type == ForwardEvent::Type::ConnectionClosed) ++closed;
  }
  {
    std::lock_guard lock(script->mutex);
    for (const auto& stream : script->streams) request_ids.insert(stream->value("requestid"));
  }
  CHECK(request_ids.size() == kConnections);
  end_forward(events);
}

TEST_CASE("forward transport: tunnelled SPDY, then SPDY, then WebSocket on refusals") {
  auto client = std::make_shared<MockClient>();
  std::vector<std::unique_ptr<trompeloeil::expectation>> keep;
  serve_api(*client, keep, "31");
  trompeloeil::sequence order;
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::WebSocketTunnel, _))
      .IN_SEQUENCE(order)
      .WITH(_1.protocols == std::vector<std::string>{"portforward.k8s.io"})
      .RETURN(fail(refusal()));
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _)).IN_SEQUENCE(order).RETURN(fail(refusal()));
  std::vector<std::string> diagnostics;
  std::mutex diagnostics_mutex;
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); },
                 [&](int, std::string_view line) {
                   std::lock_guard lock(diagnostics_mutex);
                   diagnostics.emplace_back(line);
                 });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, ForwardOptions{}});
  auto ready = events.next();
  REQUIRE(ready);
  REQUIRE(ready.value->type == ForwardEvent::Type::Ready);
  CHECK(ready.value->transport == "WebSocket");
  {
    std::lock_guard lock(diagnostics_mutex);
    CHECK(std::find(diagnostics.begin(), diagnostics.end(),
                    "pf: SPDY/3.1 over WebSocket was refused (upgrade refused); trying SPDY/3.1") != diagnostics.end());
    CHECK(std::find(diagnostics.begin(), diagnostics.end(),
                    "pf: SPDY/3.1 was refused (upgrade refused); trying WebSocket") != diagnostics.end());
  }
  // Each local connection now opens its own WebSocket with the ports query.
  std::string websocket_path;
  REQUIRE_CALL(*client, open_websocket(_, _))
      .LR_SIDE_EFFECT(websocket_path = _1.path)
      .RETURN(fail(ErrorKind::Transport, "no scripted WebSocket"));
  int fd = connect_to(ready.value->local_port);
  auto seen = events_until(events, [](const ForwardEvent& e) { return closed_event(e, 1); });
  ::close(fd);
  CHECK(websocket_path == "/api/v1/namespaces/ns/pods/web-1/portforward?ports=8080");
  end_forward(events);
}

TEST_CASE("forward transport: a refused tunnel falls back to SPDY, reported in Ready") {
  auto client = std::make_shared<MockClient>();
  std::vector<std::unique_ptr<trompeloeil::expectation>> keep;
  serve_api(*client, keep, "32");
  auto script = std::make_shared<MuxScript>();
  trompeloeil::sequence order;
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::WebSocketTunnel, _)).IN_SEQUENCE(order).RETURN(fail(refusal()));
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _))
      .IN_SEQUENCE(order)
      .RETURN(fake_connection(script, MuxFraming::HttpUpgrade));
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, ForwardOptions{}});
  auto ready = events.next();
  REQUIRE(ready);
  REQUIRE(ready.value->type == ForwardEvent::Type::Ready);
  CHECK(ready.value->transport == "SPDY/3.1");
  end_forward(events);
}

TEST_CASE("forward transport: no fallback when the pod is not found") {
  auto client = std::make_shared<MockClient>();
  std::vector<std::unique_ptr<trompeloeil::expectation>> keep;
  serve_api(*client, keep, "20");
  Error missing = make_error(ErrorKind::NotFound, "pods \"web-1\" not found");
  missing.http_status = 404;
  missing.reason = "NotFound";
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _)).RETURN(fail(missing));
  FORBID_CALL(*client, open_websocket(_, _));
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "", "web-1"}, {PortMapping{0, "http"}}, ForwardOptions{}});
  std::vector<ForwardEvent> seen;
  while (auto e = events.next()) seen.push_back(*e.value);
  auto outcome = events.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::NotFound);
  for (const auto& e : seen) CHECK(e.type != ForwardEvent::Type::Ready);
}


TEST_CASE("pf --transport") {
  for (const auto& [text, expected] : std::vector<std::pair<std::string, StreamTransport>>{
           {"auto", StreamTransport::Auto}, {"websocket", StreamTransport::WebSocket}, {"spdy", StreamTransport::Spdy}}) {
    RecordingForward op;
    REQUIRE(orka::testing::run_command<ForwardOpV2>(pf_command(), op, {"web-1", "80", "--transport", text}).result);
    REQUIRE(op.seen);
    CHECK(op.seen->options.transport == expected);
  }
  RecordingForward defaults;
  REQUIRE(orka::testing::run_command<ForwardOpV2>(pf_command(), defaults, {"web-1", "80"}).result);
  CHECK(defaults.seen->options.transport == StreamTransport::Auto);
  RecordingForward never;
  auto bad = orka::testing::run_command<ForwardOpV2>(pf_command(), never, {"web-1", "80", "--transport", "quic"}).result;
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::Usage);
  CHECK(bad.error().message.find("quic") != std::string::npos);
  CHECK_FALSE(never.seen);

  ForwardEvent ready;
  ready.type = ForwardEvent::Type::Ready;
  ready.local_address = "127.0.0.1";
  ready.local_port = 5000;
  ready.remote_port = 80;
  ready.pod = "web-1";
  ready.transport = "SPDY/3.1";
  CHECK(describe_event(ready, false) == "Forwarding from 127.0.0.1:5000 -> 80 (pod web-1)");
  CHECK(describe_event(ready, true) == "Forwarding from 127.0.0.1:5000 -> 80 (pod web-1, SPDY/3.1)");
  CHECK(forward_event_json(ready)["transport"] == "SPDY/3.1");
}

TEST_CASE("SPDY port-forward: a replacement pod gets its own MuxConnection") {
  auto client = std::make_shared<MockClient>();
  auto web1_gone = std::make_shared<std::atomic<bool>>(false);
  auto pod = [](const std::string& name, const std::string& uid) {
    std::string text = kPod;
    text.replace(text.find("web-1"), 5, name);
    text.replace(text.find("\"u1\""), 4, "\"" + uid + "\"");
    return text;
  };
  ALLOW_CALL(*client, send(_, _)).RETURN([=](const Request& request) -> Result<Response> {
    const bool gone = *web1_gone;
    if (request.path == "/api/v1/namespaces/ns/services/web")
      return orka::testing::json_response(
          200, R"({"metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":"http"}]}})");
    if (request.path == "/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb")
      return orka::testing::json_response(200, "{\"items\":[" + (gone ? pod("web-2", "u2") : pod("web-1", "u1")) + "]}");
    if (request.path == "/api/v1/namespaces/ns/pods/web-1" && !gone) return orka::testing::json_response(200, pod("web-1", "u1"));
    if (request.path == "/api/v1/namespaces/ns/pods/web-2" && gone) return orka::testing::json_response(200, pod("web-2", "u2"));
    if (request.path == "/version") return orka::testing::json_response(200, R"({"major":"1","minor":"20"})");
    Error e = make_error(ErrorKind::NotFound, "not found: " + request.path);
    e.http_status = 404;
    return fail(std::move(e));
  }(_1));
  auto first = std::make_shared<MuxScript>();
  auto second = std::make_shared<MuxScript>();
  trompeloeil::sequence order;
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _))
      .IN_SEQUENCE(order)
      .WITH(_1.path == "/api/v1/namespaces/ns/pods/web-1/portforward")
      .RETURN(fake_connection(first, MuxFraming::HttpUpgrade));
  REQUIRE_CALL(*client, open_multiplexed(_, MuxFraming::HttpUpgrade, _))
      .IN_SEQUENCE(order)
      .WITH(_1.path == "/api/v1/namespaces/ns/pods/web-2/portforward")
      .RETURN(fake_connection(second, MuxFraming::HttpUpgrade));
  ForwardOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto events = ops.run(ForwardRequest{ObjectRef{"ns", "svc", "web"}, {PortMapping{0, "80"}}, ForwardOptions{}});
  auto ready = events.next();
  REQUIRE(ready);
  REQUIRE(ready.value->type == ForwardEvent::Type::Ready);
  CHECK(ready.value->pod == "web-1");
  *web1_gone = true;
  auto seen = events_until(events, [](const ForwardEvent& e) { return e.type == ForwardEvent::Type::Retargeted; });
  REQUIRE_FALSE(seen.empty());
  REQUIRE(seen.back().type == ForwardEvent::Type::Retargeted);
  CHECK(seen.back().pod == "web-2");
  CHECK(seen.back().transport == "SPDY/3.1");

  int fd = connect_to(ready.value->local_port);
  auto data = second->stream(1);
  data->feed("from web-2");
  CHECK(receive_exactly(fd, 10) == "from web-2");
  ::close(fd);
  data->finish();
  second->stream(0)->finish();
  seen = events_until(events, [](const ForwardEvent& e) { return closed_event(e, 1); });
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back().pod == "web-2");
  end_forward(events);
}
