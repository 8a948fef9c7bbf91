// The HTTP/1.1 Upgrade: SPDY/3.1 handshake against a scripted server on a socketpair.
#include <doctest/doctest.h>

#include <thread>

#include "fake_peer.hpp"
#include "transport/spdy_upgrade.hpp"

using namespace spdy_test;

namespace {

UpgradeRequest port_forward_request() {
  UpgradeRequest request;
  request.path = "/api/v1/namespaces/web/pods/p/portforward?ports=8080";
  request.protocols = {"portforward.k8s.io", "v4.channel.k8s.io"};
  request.permission = Permission{"create", "", "pods", "portforward", "web", "p"};
  return request;
}

}  // namespace

TEST_CASE("a 101 answer yields the chosen protocol and a pipe that starts with early frames") {
  SocketPair pair;
  std::string ping;
  SpdyFrameEncoder::ping(ping, 2);
  std::string request_head;
  std::thread server([&] {
    request_head = serve_once(pair.server,
                              "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                              "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n"
                              "\r\n" + ping);
  });
  Credentials credentials;
  credentials.bearer_token = "secret-token";
  CancelToken cancel;
  auto upgraded = spdy_upgrade(std::make_unique<FdConnection>(pair.client), "127.0.0.1:6443",
                               "/prefix/", port_forward_request(), credentials, cancel);
  server.join();
  ::close(pair.server);
  REQUIRE_MESSAGE(upgraded.has_value(), upgraded.error().message);
  CHECK(upgraded->protocol == "portforward.k8s.io");
  CHECK(request_head.starts_with(
      "POST /prefix/api/v1/namespaces/web/pods/p/portforward?ports=8080 HTTP/1.1\r\n"));
  CHECK(request_head.find("\r\nHost: 127.0.0.1:6443\r\n") != std::string::npos);
  CHECK(request_head.find("\r\nConnection: Upgrade\r\n") != std::string::npos);
  CHECK(request_head.find("\r\nUpgrade: SPDY/3.1\r\n") != std::string::npos);
  CHECK(request_head.find("\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n"
                          "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n") != std::string::npos);
  CHECK(request_head.find("\r\nAuthorization: Bearer secret-token\r\n") != std::string::npos);

  char buffer[64];
  auto got = upgraded->pipe->read_some(buffer, sizeof buffer);
  REQUIRE(got.has_value());
  CHECK(std::string(buffer, *got) == ping);
}

TEST_CASE("a refused upgrade becomes the API error, without the token") {
  SocketPair pair;
  const std::string body =
      R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"p\" is )"
      R"(forbidden: User \"u\" cannot create resource \"pods/portforward\"","reason":"Forbidden","code":403})";
  std::thread server([&] {
    serve_once(pair.server, "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
                            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  });
  Credentials credentials;
  credentials.bearer_token = "secret-token";
  CancelToken cancel;
  auto upgraded = spdy_upgrade(std::make_unique<FdConnection>(pair.client), "h", "",
                               port_forward_request(), credentials, cancel);
  server.join();
  ::close(pair.server);
  REQUIRE_FALSE(upgraded.has_value());
  CHECK(upgraded.error().kind == ErrorKind::Forbidden);
  CHECK(upgraded.error().message.find("cannot create resource") != std::string::npos);
  CHECK(describe(upgraded.error()).find("secret-token") == std::string::npos);
}

TEST_CASE("a 101 naming a protocol that was not offered is refused") {
  SocketPair pair;
  std::thread server([&] {
    serve_once(pair.server, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                            "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v9.channel.k8s.io\r\n\r\n");
  });
  CancelToken cancel;
  auto upgraded = spdy_upgrade(std::make_unique<FdConnection>(pair.client), "h", "",
                               port_forward_request(), Credentials{}, cancel);
  server.join();
  ::close(pair.server);
  REQUIRE_FALSE(upgraded.has_value());
  CHECK(upgraded.error().kind == ErrorKind::Transport);
  CHECK(upgraded.error().message.find("\"v9.channel.k8s.io\", which was not offered") !=
        std::string::npos);
}

TEST_CASE("a 101 to another protocol is refused") {
  SocketPair pair;
  std::thread server([&] {
    serve_once(pair.server, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                            "Upgrade: websocket\r\n\r\n");
  });
  CancelToken cancel;
  auto upgraded = spdy_upgrade(std::make_unique<FdConnection>(pair.client), "h", "",
                               port_forward_request(), Credentials{}, cancel);
  server.join();
  ::close(pair.server);
  REQUIRE_FALSE(upgraded.has_value());
  CHECK(upgraded.error().message.find("not \"SPDY/3.1\"") != std::string::npos);
}

namespace {

Result<SpdyUpgraded> refused_with_400(const std::string& content_type, const std::string& body) {
  SocketPair pair;
  std::thread server([&] {
    serve_once(pair.server, "HTTP/1.1 400 Bad Request\r\nContent-Type: " + content_type +
                                "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  });
  UpgradeRequest exec;
  exec.path = "/api/v1/namespaces/web/pods/p/exec?command=true&container=nope&stdout=true";
  exec.protocols = {"v4.channel.k8s.io"};
  CancelToken cancel;
  auto upgraded = spdy_upgrade(std::make_unique<FdConnection>(pair.client), "h", "", exec, Credentials{}, cancel);
  server.join();
  ::close(pair.server);
  return upgraded;
}

}  // namespace

TEST_CASE("a 400 Status about the request itself carries no hint about the SPDY upgrade") {
  // The API server's answer to an exec naming a container the pod does not have.
  auto upgraded = refused_with_400(
      "application/json",
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
      R"("message":"container nope is not valid for pod p","reason":"BadRequest","code":400})");
  REQUIRE_FALSE(upgraded.has_value());
  CHECK(upgraded.error().message == "container nope is not valid for pod p");
  CHECK(upgraded.error().hint.empty());
  CHECK(describe(upgraded.error()).find("SPDY") == std::string::npos);
}

TEST_CASE("a bare 400 to the upgrade names the protocols the server refused") {
  auto upgraded = refused_with_400("text/plain", "unable to upgrade: unknown protocol");
  REQUIRE_FALSE(upgraded.has_value());
  CHECK(upgraded.error().hint == "the server refused the SPDY upgrade offering v4.channel.k8s.io");
}
