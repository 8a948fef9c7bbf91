// The WebSocket client against a scripted server on the other end of a socketpair.
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/time.h>
#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <nlohmann/json.hpp>

#include "orka/channels.hpp"
#include "orka/keepalive.hpp"
#include "test_frames.hpp"
#include "transport/websocket.hpp"

using namespace orka;
using namespace orka::core;
using namespace std::chrono_literals;

namespace {

class SocketConnection final : public Connection {
 public:
  explicit SocketConnection(int fd) : fd_(fd) {}
  ~SocketConnection() override { ::close(fd_); }
  Result<std::size_t> read_some(char* buffer, std::size_t size) override {
    for (;;) {
      const ssize_t got = ::recv(fd_, buffer, size, 0);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno == EAGAIN || errno == EWOULDBLOCK) return fail(ErrorKind::Timeout, "read timed out");
      if (errno != EINTR) return fail(ErrorKind::Transport, std::strerror(errno));
    }
  }
  Result<void> write_all(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        return fail(ErrorKind::Transport, std::strerror(errno));
      }
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return {};
  }
  void shutdown() noexcept override { ::shutdown(fd_, SHUT_RDWR); }
  void set_timeout(std::chrono::milliseconds timeout) override {
    timeval limit{};
    limit.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    limit.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }

 private:
  int fd_;
};

// The server's end: reads the client's request and frames, writes crafted answers.
class ScriptedServer {
 public:
  explicit ScriptedServer(int fd) : fd_(fd) {}
  ~ScriptedServer() { ::close(fd_); }

  std::string read_request() {
    while (buffer_.find("\r\n\r\n") == std::string::npos)
      if (!fill()) return {};
    const std::size_t end = buffer_.find("\r\n\r\n") + 4;
    std::string request = buffer_.substr(0, end);
    buffer_.erase(0, end);
    return request;
  }

  // Reads one client frame; opcode 0xFF when the connection ended first.
  ws_test::ClientFrame read_frame() {
    for (;;) {
      ws_test::ClientFrame frame = ws_test::parse_client_frame(buffer_);
      if (frame.size > 0) {
        buffer_.erase(0, frame.size);
        return frame;
      }
      if (!fill()) {
        frame.opcode = 0xFF;
        return frame;
      }
    }
  }

  void write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  void close() { ::shutdown(fd_, SHUT_RDWR); }

 private:
  bool fill() {
    char chunk[65536];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  int fd_;
  std::string buffer_;
};

std::string header_value(const std::string& request, const std::string& name) {
  const std::string needle = "\r\n" + name + ": ";
  const std::size_t at = request.find(needle);
  if (at == std::string::npos) return {};
  const std::size_t start = at + needle.size();
  return request.substr(start, request.find("\r\n", start) - start);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string upgrade_response(const std::string& request, const std::string& protocol,
                             std::string accept = {}) {
  if (accept.empty()) accept = websocket_accept_for_key(header_value(request, "Sec-WebSocket-Key"));
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " + accept + "\r\n";
  if (!protocol.empty()) response += "Sec-WebSocket-Protocol: " + protocol + "\r\n";
  return response + "\r\n";
}

struct Pair {
  std::unique_ptr<Connection> client;
  std::unique_ptr<ScriptedServer> server;
};

Pair make_pair() {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  return {std::make_unique<SocketConnection>(fds[0]), std::make_unique<ScriptedServer>(fds[1])};
}

UpgradeRequest exec_request() {
  UpgradeRequest request;
  request.path = "/api/v1/namespaces/web/pods/p/exec?command=sh&stdout=true";
  request.protocols = exec_protocols();
  request.headers = {{"X-Test", "yes"}};
  request.permission = Permission{"create", "", "pods", "exec", "web", "p"};
  return request;
}

Credentials bearer() {
  Credentials credentials;
  credentials.bearer_token = "secret-token";
  return credentials;
}

// Runs the handshake with `serve` playing the server; returns the client's result.
template <class Serve>
Result<std::unique_ptr<WebSocket>> connect_with(Serve serve, const UpgradeRequest& request,
                                                const Credentials& credentials,
                                                WebSocketOptions options = {},
                                                CancelToken cancel = {},
                                                std::unique_ptr<ScriptedServer>* keep = nullptr,
                                                const std::string& prefix = "") {
  Pair pair = make_pair();
  ScriptedServer* server = pair.server.get();
  std::thread server_thread([&] { serve(*server); });
  auto result = websocket_connect(std::move(pair.client), "127.0.0.1:6443", prefix, request,
                                  credentials, cancel, options);
  server_thread.join();
  if (keep) *keep = std::move(pair.server);
  return result;
}

}  // namespace

TEST_CASE("handshake: one protocol header offering v5 and v4; the server picks v4") {
  std::string request_text;
  std::unique_ptr<ScriptedServer> server;
  auto socket = connect_with(
      [&](ScriptedServer& s) {
        request_text = s.read_request();
        s.write(upgrade_response(request_text, "v4.channel.k8s.io"));
      },
      exec_request(), bearer(), {}, {}, &server);
  REQUIRE(socket.has_value());
  CHECK((*socket)->protocol() == "v4.channel.k8s.io");
  CHECK_FALSE(protocol_supports_stdin_close((*socket)->protocol()));

  CHECK(request_text.starts_with(
      "GET /api/v1/namespaces/web/pods/p/exec?command=sh&stdout=true HTTP/1.1\r\n"));
  CHECK(header_value(request_text, "Host") == "127.0.0.1:6443");
  CHECK(header_value(request_text, "Upgrade") == "websocket");
  CHECK(header_value(request_text, "Connection") == "Upgrade");
  CHECK(header_value(request_text, "Sec-WebSocket-Version") == "13");
  CHECK(count(request_text, "Sec-WebSocket-Protocol:") == 1);
  CHECK(header_value(request_text, "Sec-WebSocket-Protocol") ==
        "v5.channel.k8s.io, v4.channel.k8s.io");
  CHECK(header_value(request_text, "Authorization") == "Bearer secret-token");
  CHECK(header_value(request_text, "X-Test") == "yes");
  const std::string key = header_value(request_text, "Sec-WebSocket-Key");
  CHECK(key.size() == 24);  // 16 random bytes in base64
  CHECK(key.ends_with("=="));
}

TEST_CASE("handshake: the server picks v5; keys differ between handshakes") {
  std::string first_key;
  std::string second_key;
  for (std::string* key : {&first_key, &second_key}) {
    auto socket = connect_with(
        [&](ScriptedServer& s) {
          const std::string request = s.read_request();
          *key = header_value(request, "Sec-WebSocket-Key");
          s.write(upgrade_response(request, "v5.channel.k8s.io"));
        },
        exec_request(), bearer());
    REQUIRE(socket.has_value());
    CHECK((*socket)->protocol() == "v5.channel.k8s.io");
  }
  CHECK(first_key != second_key);
}

TEST_CASE("accept key matches RFC 6455's example") {
  CHECK(websocket_accept_for_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("handshake: basic auth and a server path prefix") {
  std::string request_text;
  Credentials basic;
  basic.basic = std::make_pair(std::string("admin"), std::string("pa:ss"));
  UpgradeRequest request = exec_request();
  auto socket = connect_with(
      [&](ScriptedServer& s) {
        request_text = s.read_request();
        s.write(upgrade_response(request_text, "v4.channel.k8s.io"));
      },
      request, basic, {}, {}, nullptr, "/k8s/clusters/c-1/");
  REQUIRE(socket.has_value());
  CHECK(request_text.starts_with("GET /k8s/clusters/c-1/api/v1/namespaces/web/pods/p/exec?"));
  CHECK(header_value(request_text, "Authorization") == "Basic YWRtaW46cGE6c3M=");
}

TEST_CASE("handshake: bytes after the 101 headers are the first frame") {
  std::unique_ptr<ScriptedServer> server;
  auto socket = connect_with(
      [&](ScriptedServer& s) {
        const std::string request = s.read_request();
        // One write: the response and two frames arrive together.
        s.write(upgrade_response(request, "v4.channel.k8s.io") +
                ws_test::server_frame(0x2, encode_channel_message(StreamChannel::Stdout, "hi")) +
                ws_test::server_frame(0x2, std::string("\x02", 1) + "err", false));
      },
      exec_request(), bearer(), {}, {}, &server);
  REQUIRE(socket.has_value());
  auto first = (*socket)->receive();
  REQUIRE(first.has_value());
  CHECK(first->payload == std::string("\x01hi", 3));
  server->write(ws_test::server_frame(0x0, "or"));
  auto second = (*socket)->receive();
  REQUIRE(second.has_value());
  CHECK(second->payload == std::string("\x02" "error", 6));
}

TEST_CASE("handshake refusals") {
  SUBCASE("wrong Sec-WebSocket-Accept") {
    auto socket = connect_with(
        [&](ScriptedServer& s) {
          const std::string request = s.read_request();
          s.write(upgrade_response(request, "v4.channel.k8s.io", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        },
        exec_request(), bearer());
    REQUIRE_FALSE(socket.has_value());
    CHECK(socket.error().kind == ErrorKind::Transport);
    CHECK(socket.error().message.find("Sec-WebSocket-Accept") != std::string::npos);
  }
  SUBCASE("a protocol that was not offered") {
    auto socket = connect_with(
        [&](ScriptedServer& s) {
          const std::string request = s.read_request();
          s.write(upgrade_response(request, "v3.channel.k8s.io"));
        },
        exec_request(), bearer());
    REQUIRE_FALSE(socket.has_value());
    CHECK(socket.error().message.find("v3.channel.k8s.io") != std::string::npos);
  }
  SUBCASE("no protocol chosen") {
    auto socket = connect_with(
        [&](ScriptedServer& s) {
          const std::string request = s.read_request();
          s.write(upgrade_response(request, ""));
        },
        exec_request(), bearer());
    REQUIRE_FALSE(socket.has_value());
    CHECK(socket.error().kind == ErrorKind::Unsupported);
  }
  SUBCASE("403 with a Status body names the permission; the token stays out of the error") {
    const std::string body =
        R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"p\" is forbidden: User \"u\" cannot create resource \"pods/exec\"","reason":"Forbidden","code":403})";
    auto socket = connect_with(
        [&](ScriptedServer& s) {
          s.read_request();
          s.write("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n");
          std::this_thread::sleep_for(10ms);  // the body arrives in a later read
          s.write(body);
        },
        exec_request(), bearer());
    REQUIRE_FALSE(socket.has_value());
    CHECK(socket.error().kind == ErrorKind::Forbidden);
    CHECK(socket.error().http_status == 403);
    CHECK(socket.error().message.find("cannot create resource") != std::string::npos);
    REQUIRE(socket.error().permission.has_value());
    CHECK(socket.error().permission->subresource == "exec");
    CHECK(describe(socket.error()).find("secret-token") == std::string::npos);
  }
  SUBCASE("404 with a chunked Status body") {
    const std::string body =
        R"({"kind":"Status","status":"Failure","message":"pods \"p\" not found","reason":"NotFound","code":404})";
    auto socket = connect_with(
        [&](ScriptedServer& s) {
          s.read_request();
          char size[16];
          std::snprintf(size, sizeof size, "%zx", body.size() - 10);
          s.write(std::string("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n") +
                  size + "\r\n" + body.substr(0, body.size() - 10) + "\r\n");
          s.write("a\r\n" + body.substr(body.size() - 10) + "\r\n0\r\n\r\n");
        },
        exec_request(), bearer());
    REQUIRE_FALSE(socket.has_value());
    CHECK(socket.error().kind == ErrorKind::NotFound);
    CHECK(socket.error().message == "pods \"p\" not found");
  }
  SUBCASE("the server hangs up") {
    auto socket = connect_with(
        [&](ScriptedServer& s) {
          s.read_request();
          s.close();
        },
        exec_request(), bearer());
    REQUIRE_FALSE(socket.has_value());
    CHECK(socket.error().kind == ErrorKind::Transport);
  }
}

TEST_CASE("handshake: a server that never answers times out; the limit ends with the handshake") {
  WebSocketOptions options;
  options.handshake_timeout = 50ms;
  std::unique_ptr<ScriptedServer> silent;
  auto refused = connect_with([&](ScriptedServer& s) { s.read_request(); }, exec_request(), bearer(),
                              options, {}, &silent);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == ErrorKind::Timeout);
  CHECK(refused.error().message.find("timed out waiting for the whole answer to the WebSocket "
                                     "upgrade (0.05 s)") != std::string::npos);

  options.handshake_timeout = 20ms;
  std::unique_ptr<ScriptedServer> server;
  auto socket = connect_with(
      [&](ScriptedServer& s) {
        const std::string request = s.read_request();
        s.write(upgrade_response(request, "v4.channel.k8s.io"));
      },
      exec_request(), bearer(), options, {}, &server);
  REQUIRE(socket.has_value());
  std::thread late([&] {
    std::this_thread::sleep_for(100ms);
    server->write(ws_test::server_frame(0x2, std::string("\x01late", 5)));
  });
  auto message = (*socket)->receive();
  late.join();
  REQUIRE(message.has_value());
  CHECK(message->payload == std::string("\x01late", 5));
}

namespace {
// A connected socket and its scripted server, for the tests past the handshake.
struct Session {
  std::unique_ptr<WebSocket> socket;
  std::unique_ptr<ScriptedServer> server;
};

Session open_session(WebSocketOptions options = {}, CancelToken cancel = {}) {
  Session session;
  auto socket = connect_with(
      [&](ScriptedServer& s) {
        const std::string request = s.read_request();
        s.write(upgrade_response(request, "v4.channel.k8s.io"));
      },
      exec_request(), bearer(), options, cancel, &session.server);
  REQUIRE(socket.has_value());
  session.socket = std::move(*socket);
  return session;
}

// A thread waiting in receive() as an op's reader does: keepalive Pings go out only while one
// waits. Closes the socket and joins on destruction.
class Receiving {
 public:
  explicit Receiving(WebSocket& socket)
      : socket_(socket), thread_([this] {
          for (;;) {
            auto message = socket_.receive();
            if (!message || message->opcode == WsOpcode::Close) return;
            ++messages_;
          }
        }) {}
  ~Receiving() {
    socket_.close(1000, "");
    thread_.join();
  }
  Receiving(const Receiving&) = delete;
  Receiving& operator=(const Receiving&) = delete;
  int messages() const { return messages_; }

 private:
  WebSocket& socket_;
  std::atomic<int> messages_{0};
  std::thread thread_;
};
}  // namespace

TEST_CASE("client frames are masked; pings are answered; server close is echoed") {
  Session session = open_session();
  REQUIRE(session.socket->send(WsOpcode::Binary, encode_channel_message(StreamChannel::Stdin, "abc"))
              .has_value());
  auto frame = session.server->read_frame();
  CHECK(frame.masked);
  CHECK(frame.fin);
  CHECK(frame.opcode == 0x2);
  CHECK(frame.payload == std::string("\0abc", 4));

  session.server->write(ws_test::server_frame(0x9, "are-you-there") +
                        ws_test::server_frame(0x2, std::string("\x01out", 4)));
  auto data = session.socket->receive();
  REQUIRE(data.has_value());
  CHECK(data->opcode == WsOpcode::Binary);
  CHECK(data->payload == std::string("\x01out", 4));
  auto pong = session.server->read_frame();
  CHECK(pong.opcode == 0xA);
  CHECK(pong.payload == "are-you-there");

  session.server->write(ws_test::server_frame(0x8, ws_test::close_payload(1000, "done")));
  auto closed = session.socket->receive();
  REQUIRE(closed.has_value());
  CHECK(closed->opcode == WsOpcode::Close);
  CHECK(ws_parse_close_payload(closed->payload).code == 1000);
  auto echo = session.server->read_frame();
  CHECK(echo.opcode == 0x8);
  CHECK(ws_parse_close_payload(echo.payload).code == 1000);
  CHECK_FALSE(session.socket->send(WsOpcode::Binary, "late").has_value());
  // Later receives keep reporting the close.
  auto again = session.socket->receive();
  REQUIRE(again.has_value());
  CHECK(again->opcode == WsOpcode::Close);
}

TEST_CASE("a server that drops the connection without a close frame is an error") {
  Session session = open_session();
  session.server->close();
  auto message = session.socket->receive();
  REQUIRE_FALSE(message.has_value());
  CHECK(message.error().kind == ErrorKind::Transport);
}

TEST_CASE("a protocol error from the server fails receive and closes with 1002") {
  Session session = open_session();
  session.server->write(std::string("\xC2\x00", 2));  // RSV1 set
  auto message = session.socket->receive();
  REQUIRE_FALSE(message.has_value());
  CHECK(message.error().message.find("reserved") != std::string::npos);
  auto close = session.server->read_frame();
  CHECK(close.opcode == 0x8);
  CHECK(ws_parse_close_payload(close.payload).code == 1002);
}

TEST_CASE("close() from another thread ends a blocked receive with a Close message") {
  Session session = open_session();
  std::thread closer([&] {
    std::this_thread::sleep_for(30ms);
    session.socket->close(4001, "local");
  });
  auto message = session.socket->receive();
  closer.join();
  REQUIRE(message.has_value());
  CHECK(message->opcode == WsOpcode::Close);
  CHECK(ws_parse_close_payload(message->payload).code == 4001);
  auto frame = session.server->read_frame();
  CHECK(frame.opcode == 0x8);
  CHECK(ws_parse_close_payload(frame.payload).code == 4001);
  CHECK(ws_parse_close_payload(frame.payload).reason == "local");
}

TEST_CASE("cancellation ends a blocked receive with Cancelled") {
  CancelToken cancel;
  Session session = open_session({}, cancel);
  std::thread canceller([&] {
    std::this_thread::sleep_for(30ms);
    cancel.cancel();
  });
  auto message = session.socket->receive();
  canceller.join();
  REQUIRE_FALSE(message.has_value());
  CHECK(message.error().kind == ErrorKind::Cancelled);
}

TEST_CASE("keepalive pings at the configured interval; close joins the timer promptly") {
  WebSocketOptions options;
  options.ping_interval = 20ms;
  Session session = open_session(options);
  auto receiving = std::make_unique<Receiving>(*session.socket);
  auto first = session.server->read_frame();
  auto second = session.server->read_frame();
  CHECK(first.opcode == 0x9);
  CHECK(second.opcode == 0x9);
  const auto start = std::chrono::steady_clock::now();
  receiving.reset();       // closes; receive() returns
  session.socket.reset();  // destruction joins the control thread
  CHECK(std::chrono::steady_clock::now() - start < 1s);
}

TEST_CASE("send and receive run concurrently; large messages and pings interleave") {
  WebSocketOptions options;
  options.ping_interval = 5ms;
  Session session = open_session(options);
  constexpr int kMessages = 60;
  auto payload_for = [](int i) {
    const std::size_t size = i % 10 == 0 ? 300000 + i : static_cast<std::size_t>(i * 997 % 70000);
    return ws_test::pattern_bytes(size, static_cast<unsigned>(i));
  };

  // Echo server: every data frame back as an unmasked binary frame, with pings of its own.
  std::atomic<int> pongs{0};
  std::thread echo([&] {
    int echoed = 0;
    while (echoed < kMessages) {
      auto frame = session.server->read_frame();
      if (frame.opcode == 0xFF) return;
      if (!frame.masked) return;
      if (frame.opcode == 0xA) {
        ++pongs;
        continue;
      }
      if (frame.opcode == 0x9) continue;  // the client's keepalive
      if (echoed % 7 == 0) session.server->write(ws_test::server_frame(0x9, "p"));
      session.server->write(ws_test::server_frame(0x2, frame.payload));
      ++echoed;
    }
  });
  std::thread sender([&] {
    for (int i = 0; i < kMessages; ++i)
      if (!session.socket->send(WsOpcode::Binary, payload_for(i))) return;
  });
  int received = 0;
  for (; received < kMessages; ++received) {
    auto message = session.socket->receive();
    REQUIRE(message.has_value());
    REQUIRE(message->opcode == WsOpcode::Binary);
    REQUIRE(message->payload == payload_for(received));
  }
  sender.join();
  session.socket->close(1000, {});
  echo.join();
  CHECK(received == kMessages);
  CHECK(pongs.load() > 0);
}

namespace {
// A WebSocket that is not a KeepaliveControl: what an embedder's own Client might hand out.
class PlainWebSocket final : public WebSocket {
 public:
  const std::string& protocol() const override { return protocol_; }
  Result<void> send(WsOpcode, std::string_view) override { return {}; }
  Result<WsMessage> receive() override { return fail(ErrorKind::Transport, "plain"); }
  void close(std::uint16_t, std::string_view) noexcept override {}

 private:
  std::string protocol_ = "v4.channel.k8s.io";
};

// Reads frames until a data frame; returns how many Pings came before it.
int pings_before_data(ScriptedServer& server) {
  int pings = 0;
  for (;;) {
    auto frame = server.read_frame();
    if (frame.opcode == 0x9) {
      ++pings;
      continue;
    }
    REQUIRE(frame.opcode == 0x2);
    return pings;
  }
}
}  // namespace

TEST_CASE("keepalive: the WebSocket is a KeepaliveControl; set_keepalive starts, changes, stops") {
  WebSocketOptions options;
  options.ping_interval = 0ms;
  Session session = open_session(options);
  auto* keepalive = dynamic_cast<KeepaliveControl*>(session.socket.get());
  REQUIRE(keepalive != nullptr);
  CHECK(keepalive->keepalive() == 0ms);
  Receiving receiving(*session.socket);
  keepalive->set_keepalive(10ms);
  CHECK(keepalive->keepalive() == 10ms);
  CHECK(session.server->read_frame().opcode == 0x9);
  CHECK(session.server->read_frame().opcode == 0x9);
  keepalive->set_keepalive(0ms);
  // Off: over 30 of the old intervals at most the one Ping already under way arrives before
  // the data frame that follows.
  std::this_thread::sleep_for(300ms);
  REQUIRE(session.socket->send(WsOpcode::Binary, "x").has_value());
  CHECK(pings_before_data(*session.server) <= 1);
  CHECK(WebSocketOptions{}.ping_interval == kDefaultKeepalive);
}

TEST_CASE("keepalive: a module built like a plugin (hidden visibility) finds the interface") {
  const char* path = std::getenv("ORKA_KEEPALIVE_PROBE");
  REQUIRE_MESSAGE(path != nullptr, "ORKA_KEEPALIVE_PROBE names tests/plugins' keepalive probe");
  void* module = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
  REQUIRE_MESSAGE(module != nullptr, std::string(::dlerror()));
  using Probe = int (*)(WebSocket*, long long);
  auto probe = reinterpret_cast<Probe>(::dlsym(module, "orka_test_keepalive_probe"));
  REQUIRE(static_cast<bool>(probe));
  WebSocketOptions options;
  options.ping_interval = 0ms;
  Session session = open_session(options);
  Receiving receiving(*session.socket);
  CHECK(probe(session.socket.get(), 15) == 1);
  CHECK(dynamic_cast<KeepaliveControl&>(*session.socket).keepalive() == 15ms);
  CHECK(session.server->read_frame().opcode == 0x9);
  PlainWebSocket plain;
  CHECK(probe(&plain, 15) == 0);
  CHECK_FALSE(apply_keepalive(plain, 15ms));
  // Never dlclose'd: like plugins, the module stays for the process's lifetime.
}

TEST_CASE("keepalive: silence while receive() waits ends the connection as dead, not cleanly") {
  WebSocketOptions options;
  options.ping_interval = 20ms;
  Session session = open_session(options);
  const auto started = std::chrono::steady_clock::now();
  // A path that lost the connection: what the client sends is taken and never answered.
  int pings = 0;
  std::thread swallowing([&] {
    while (session.server->read_frame().opcode == 0x9) ++pings;
  });
  auto message = session.socket->receive();
  const auto waited = std::chrono::steady_clock::now() - started;
  swallowing.join();  // the client shut the connection down
  CHECK(pings >= 10);  // Pings went out all along
  REQUIRE_FALSE(message.has_value());
  CHECK(message.error().kind == ErrorKind::Transport);
  CHECK(message.error().message.find("the connection is dead") != std::string::npos);
  CHECK(message.error().message.find("10000 ms") != std::string::npos);
  CHECK(waited >= keepalive_dead_after(20ms));
  CHECK(waited < keepalive_dead_after(20ms) + 5s);
  auto sent = session.socket->send(WsOpcode::Binary, "late");
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().message.find("the connection is dead") != std::string::npos);
}

TEST_CASE("keepalive: answered Pings keep a quiet connection alive past the bound") {
  WebSocketOptions options;
  options.ping_interval = 20ms;
  Session session = open_session(options);
  const auto quiet_until = std::chrono::steady_clock::now() + keepalive_dead_after(20ms) + 1s;
  std::thread answering([&] {
    // Only Pongs for longer than the bound, then one data message.
    while (std::chrono::steady_clock::now() < quiet_until) {
      auto frame = session.server->read_frame();
      if (frame.opcode != 0x9) return;
      session.server->write(ws_test::server_frame(0xA, frame.payload));
    }
    session.server->write(ws_test::server_frame(0x2, std::string("\x01done", 5)));
  });
  auto message = session.socket->receive();
  answering.join();
  REQUIRE_MESSAGE(message.has_value(), message.error().message);
  CHECK(message->payload == std::string("\x01done", 5));
  CHECK(std::chrono::steady_clock::now() >= quiet_until);
}

TEST_CASE("keepalive: no Ping while data arrives; Pings once receive() has waited idle") {
  WebSocketOptions options;
  options.ping_interval = 300ms;
  Session session = open_session(options);
  Receiving receiving(*session.socket);
  // Busy for five intervals: a data frame every 5 ms.
  const auto busy_until = std::chrono::steady_clock::now() + 1500ms;
  int sent = 0;
  while (std::chrono::steady_clock::now() < busy_until) {
    session.server->write(ws_test::server_frame(0x2, std::string("\x01x", 2)));
    ++sent;
    std::this_thread::sleep_for(5ms);
  }
  // Everything the client wrote while data arrived comes before this mark: no Ping among it.
  REQUIRE(session.socket->send(WsOpcode::Binary, "mark").has_value());
  CHECK(pings_before_data(*session.server) == 0);
  // Idle now: the next frame is a Ping, about one interval later.
  const auto idle_from = std::chrono::steady_clock::now();
  CHECK(session.server->read_frame().opcode == 0x9);
  CHECK(std::chrono::steady_clock::now() - idle_from >= 200ms);
  CHECK(receiving.messages() == sent);
}
