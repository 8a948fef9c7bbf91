// Client::open_multiplexed end to end: the HTTPS client's SPDY upgrade, the session and the
// MuxConnection/MuxStream adapters, against a scripted server on a socketpair.
#include <doctest/doctest.h>

#include <thread>

#include "fake_peer.hpp"
#include "one_connection_client.hpp"
#include "orka/transport_choice.hpp"

using namespace spdy_test;

namespace {

UpgradeRequest exec_request() {
  UpgradeRequest request;
  request.path = "/api/v1/namespaces/web/pods/p/exec?command=ls&stdout=true";
  request.protocols = {"v4.channel.k8s.io"};
  return request;
}

}  // namespace

TEST_CASE("open_multiplexed upgrades, opens a stream and reads it to its FIN") {
  SocketPair pair;
  auto client = client_on(pair.client);
  std::string request_head;
  SpdyHeaders stream_headers;
  std::thread server_thread([&] {
    request_head = serve_once(pair.server,
                              "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                              "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
                              "\r\n");
    FakeSpdyServer server(pair.server);
    server.expect_hello();
    auto syn = server.next_except(SpdyFrameType::WindowUpdate);
    REQUIRE(syn);
    REQUIRE(syn->type == SpdyFrameType::SynStream);
    stream_headers = syn->headers;
    server.reply(syn->stream_id);
    server.data(syn->stream_id, "hello", /*fin=*/true);
    // Stays open until the client ends the session.
    while (server.next(std::chrono::seconds(5))) {
    }
  });
  CancelToken cancel;
  auto connection = client->open_multiplexed(exec_request(), MuxFraming::HttpUpgrade, cancel);
  REQUIRE_MESSAGE(connection.has_value(), connection.error().message);
  CHECK((*connection)->protocol() == "v4.channel.k8s.io");
  CHECK((*connection)->framing() == MuxFraming::HttpUpgrade);
  CHECK(to_string((*connection)->framing()) == "SPDY/3.1");
  auto stream = (*connection)->open_stream({{"streamtype", "stdout"}});
  REQUIRE_MESSAGE(stream.has_value(), stream.error().message);
  std::string received;
  char buffer[16];
  for (;;) {
    auto got = (*stream)->read(buffer, sizeof buffer);
    REQUIRE_MESSAGE(got.has_value(), got.error().message);
    if (*got == 0) break;
    received.append(buffer, *got);
  }
  CHECK(received == "hello");
  CHECK_FALSE((*connection)->closed());
  (*connection)->close();
  CHECK((*connection)->closed());
  server_thread.join();
  CHECK(request_head.starts_with("POST /api/v1/namespaces/web/pods/p/exec?"));
  REQUIRE(stream_headers.size() == 1);
  CHECK(stream_headers[0].first == "streamtype");
  CHECK(stream_headers[0].second == "stdout");
}

TEST_CASE("a 101 that names no stream protocol is a refusal another transport may avoid") {
  SocketPair pair;
  auto client = client_on(pair.client);
  std::thread server_thread([&] {
    serve_once(pair.server,
               "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n");
    ::close(pair.server);
  });
  CancelToken cancel;
  auto connection = client->open_multiplexed(exec_request(), MuxFraming::HttpUpgrade, cancel);
  server_thread.join();
  REQUIRE_FALSE(connection.has_value());
  CHECK(connection.error().message.find("named no stream protocol") != std::string::npos);
  CHECK(is_protocol_refusal(connection.error()));
}

TEST_CASE("an RBAC refusal of the upgrade is not a protocol refusal") {
  SocketPair pair;
  auto client = client_on(pair.client);
  std::thread server_thread([&] {
    serve_once(pair.server,
               "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 216\r\n\r\n"
               R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"p\" is forbidden: User \"dev\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"web\"","reason":"Forbidden","code":403})");
    ::close(pair.server);
  });
  CancelToken cancel;
  auto connection = client->open_multiplexed(exec_request(), MuxFraming::HttpUpgrade, cancel);
  server_thread.join();
  REQUIRE_FALSE(connection.has_value());
  CHECK(connection.error().kind == ErrorKind::Forbidden);
  CHECK(connection.error().message.find("cannot create resource \"pods/exec\"") != std::string::npos);
  CHECK_FALSE(is_protocol_refusal(connection.error()));
}
