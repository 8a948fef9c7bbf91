// The HTTPS client and both upgrade paths against a hostile TLS server on 127.0.0.1: bodies
// that never end or claim to be huge, a trickled response head, a silent upgrade, a refused
// upgrade whose chunked body carries a wrapping size. Each must end in a clear error, in
// bounded time and memory.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <string>

#include <fmt/format.h>

#include "loopback_server.hpp"
#include "test_pki.hpp"
#include "transport/http_client.hpp"

using namespace orka;
using namespace orka::core;
using namespace std::chrono_literals;
using namespace orka::testing;

namespace {

using Clock = std::chrono::steady_clock;
// The stated limits (kHeadCompletion, kSpdyAnswer), spelled out so
// the same test runs against a build without them.
constexpr auto kHeadCompletion = 10s;
constexpr auto kSpdyAnswer = 30s;

struct Hostile {
  TestPki pki;
  Pem localhost = pki.server("kube-apiserver", {"DNS:localhost", "IP:127.0.0.1"});

  std::shared_ptr<Client> client(const LoopbackServer& server) const {
    RestConfig config;
    config.server = server.url();
    config.certificate_authority_pem = pki.ca_pem();
    config.namespace_ = "web";
    return make_http_client(config, nullptr);
  }
  ServerTls tls() const { return {localhost.certificate, localhost.key, ""}; }
};

Request get(std::string path) {
  Request request;
  request.path = std::move(path);
  request.timeout = 0ms;
  return request;
}

UpgradeRequest exec_upgrade() {
  UpgradeRequest request;
  request.path = "/api/v1/namespaces/web/pods/p/exec?command=sh&stdout=true";
  request.protocols = {"v4.channel.k8s.io"};
  return request;
}

bool mentions(const Error& error, std::string_view text) {
  return error.message.find(text) != std::string::npos;
}

// One chunk of `size` bytes of 'x' in the chunked coding.
std::string chunk_of(std::size_t size) {
  return fmt::format("{:x}\r\n", size) + std::string(size, 'x') + "\r\n";
}

}  // namespace

TEST_CASE("a Content-Length of 10^15 is refused before anything is read or reserved") {
  Hostile h;
  LoopbackServer server(h.tls(), [](const ServerRequest&, ServerConnection& connection) {
    connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000\r\n\r\n{\"kind\":");
    connection.close_after_response();
  });
  auto response = h.client(server)->send(get("/api/v1/pods"), CancelToken{});
  REQUIRE_FALSE(response);
  CHECK(response.error().kind == ErrorKind::Transport);
  CHECK_MESSAGE(mentions(response.error(), "announced 1000000000000000 bytes"),
                response.error().message);
}

TEST_CASE("a chunked 200 body longer than the bound fails instead of growing") {
  Hostile h;
  // 16 MiB past the bound, then a proper end: without a bound the request would succeed.
  constexpr std::size_t piece = 1 << 20;
  constexpr std::size_t pieces = (256 + 16);
  LoopbackServer server(h.tls(), [&](const ServerRequest&, ServerConnection& connection) {
    connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string one = chunk_of(piece);
    for (std::size_t i = 0; i < pieces; ++i)
      if (!connection.write(one)) return;
    connection.write("0\r\n\r\n");
  });
  auto response = h.client(server)->send(get("/api/v1/pods"), CancelToken{});
  REQUIRE_FALSE(response);
  CHECK(response.error().kind == ErrorKind::Transport);
  CHECK_MESSAGE(mentions(response.error(), "larger than orka accepts for this answer (256 MiB)"),
                response.error().message);
}

TEST_CASE("a response head trickled one line every half second fails after the stated time") {
  Hostile h;
  LoopbackServer server(h.tls(), [&](const ServerRequest&, ServerConnection& connection) {
    connection.write("HTTP/1.1 200 OK\r\n");
    // Stops after 16 s with a complete answer: a client without a head deadline succeeds.
    for (int i = 0; i < 32; ++i) {
      if (!connection.write(fmt::format("X-Drip-{}: {}\r\n", i, i))) return;
      server.wait_until_stopped(500ms);
    }
    connection.write("Content-Length: 2\r\n\r\n{}");
  });
  const auto started = Clock::now();
  auto response = h.client(server)->send(get("/api"), CancelToken{});
  const auto took = Clock::now() - started;
  REQUIRE_FALSE(response);
  CHECK(response.error().kind == ErrorKind::Timeout);
  CHECK_MESSAGE(mentions(response.error(), "response head was not complete 10 s after its first byte"),
                response.error().message);
  CHECK(took >= kHeadCompletion - 1s);
  CHECK(took < kHeadCompletion + 3s);
}

TEST_CASE("a refused upgrade whose chunked body has the size ffffffffffffffec: a clear error") {
  Hostile h;
  LoopbackServer server(h.tls(), [](const ServerRequest&, ServerConnection& connection) {
    connection.write("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\nffffffffffffffec\r\n");
    // Then bytes for as long as the client reads: a decoder that wrapped would keep appending.
    const std::string filler(64 * 1024, 'y');
    for (int i = 0; i < 4096; ++i)
      if (!connection.write(filler)) return;
  });
  auto client = h.client(server);
  for (bool spdy : {false, true}) {
    CAPTURE(spdy);
    const auto started = Clock::now();
    Result<void> outcome;
    if (spdy) {
      auto opened = client->open_multiplexed(exec_upgrade(), MuxFraming::HttpUpgrade, CancelToken{});
      if (!opened) outcome = fail(opened.error());
    } else {
      auto opened = client->open_websocket(exec_upgrade(), CancelToken{});
      if (!opened) outcome = fail(opened.error());
    }
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().kind == ErrorKind::Transport);
    CHECK_MESSAGE(mentions(outcome.error(), "refused with HTTP 404"), outcome.error().message);
    CHECK_MESSAGE(mentions(outcome.error(), "malformed chunked response body"),
                  outcome.error().message);
    CHECK(Clock::now() - started < 5s);
  }
}

TEST_CASE("a refused upgrade with an endless error body reads no more than the bound") {
  Hostile h;
  LoopbackServer server(h.tls(), [](const ServerRequest&, ServerConnection& connection) {
    connection.write("HTTP/1.1 403 Forbidden\r\n\r\n");  // no length: the body runs to close
    const std::string filler(64 * 1024, 'z');
    for (int i = 0; i < 4096; ++i)
      if (!connection.write(filler)) return;
  });
  auto opened = h.client(server)->open_websocket(exec_upgrade(), CancelToken{});
  REQUIRE_FALSE(opened);
  CHECK_MESSAGE(mentions(opened.error(), "larger than orka accepts for this answer (64 KiB)"),
                opened.error().message);
}

TEST_CASE("a server silent after TLS ends the SPDY upgrade at its answer timeout, or on cancel") {
  Hostile h;
  LoopbackServer server(h.tls(), [&](const ServerRequest&, ServerConnection&) {
    server.wait_until_stopped(60s);
  });
  auto client = h.client(server);
  SUBCASE("cancel ends it at once") {
    CancelToken cancel;
    auto pending = std::async(std::launch::async, [&] {
      return client->open_multiplexed(exec_upgrade(), MuxFraming::HttpUpgrade, cancel);
    });
    REQUIRE(pending.wait_for(300ms) == std::future_status::timeout);
    const auto cancelled_at = Clock::now();
    cancel.cancel();
    REQUIRE(pending.wait_for(2s) == std::future_status::ready);
    CHECK(Clock::now() - cancelled_at < 1s);
    auto opened = pending.get();
    REQUIRE_FALSE(opened);
    CHECK(opened.error().kind == ErrorKind::Cancelled);
  }
  SUBCASE("the timeout ends it") {
    auto pending = std::async(std::launch::async, [&] {
      return client->open_multiplexed(exec_upgrade(), MuxFraming::HttpUpgrade, CancelToken{});
    });
    REQUIRE(pending.wait_for(kSpdyAnswer + 5s) == std::future_status::ready);
    auto opened = pending.get();
    REQUIRE_FALSE(opened);
    CHECK(opened.error().kind == ErrorKind::Timeout);
    CHECK_MESSAGE(mentions(opened.error(), "SPDY upgrade failed"), opened.error().message);
  }
}
