// The HTTPS client against a real TLS server on 127.0.0.1: verification, client
// certificates, keep-alive, streaming, retries, 401 refresh, cancellation and diagnostics.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "connect_proxy.hpp"
#include "loopback_server.hpp"
#include "test_pki.hpp"
#include "transport/http_client.hpp"
#include "transport/websocket.hpp"

using namespace orka;
using namespace orka::core;
using namespace std::chrono_literals;
using orka::testing::LoopbackServer;
using orka::testing::ServerConnection;
using orka::testing::ServerRequest;
using orka::testing::http_response;

namespace {

class TestAuth : public AuthProvider {
 public:
  explicit TestAuth(Credentials initial) : current_(std::move(initial)) {}
  Result<Credentials> credentials(const CancelToken&) override {
    std::lock_guard lock(mutex_);
    return current_;
  }
  Result<Credentials> refresh(const CancelToken&) override {
    std::lock_guard lock(mutex_);
    ++refreshes;
    if (!next_) return fail(ErrorKind::Unauthorized, "nothing new to try");
    current_ = *next_;
    next_.reset();
    return current_;
  }
  std::string describe() const override { return "test credentials"; }
  std::string rejection_note() const override { return note; }
  std::string note;  // what rejection_note() says
  void set(Credentials credentials) {
    std::lock_guard lock(mutex_);
    current_ = std::move(credentials);
  }
  void set_refreshed(Credentials credentials) {
    std::lock_guard lock(mutex_);
    next_ = std::move(credentials);
  }
  std::atomic<int> refreshes{0};

 private:
  std::mutex mutex_;
  Credentials current_;
  std::optional<Credentials> next_;
};

Credentials bearer(std::string token) {
  Credentials c;
  c.bearer_token = std::move(token);
  return c;
}

struct Fixture {
  testing::TestPki pki;
  testing::Pem localhost = pki.server("kube-apiserver", {"DNS:localhost", "IP:127.0.0.1"});
  std::shared_ptr<TestAuth> auth = std::make_shared<TestAuth>(bearer("tok-secret-123"));

  RestConfig config(const LoopbackServer& server) const {
    RestConfig config;
    config.server = server.url();
    config.certificate_authority_pem = pki.ca_pem();
    config.namespace_ = "web";
    config.auth = auth;
    return config;
  }
};

LoopbackServer::Handler answer(int status, std::string reason, std::string body,
                               Headers headers = {}) {
  return [=](const ServerRequest&, ServerConnection& connection) {
    connection.write(http_response(status, reason, headers, body));
  };
}

Request get(std::string path) {
  Request request;
  request.path = std::move(path);
  return request;
}

}  // namespace

TEST_CASE("HTTPS GET with a verified certificate, bearer token and path prefix") {
  Fixture f;
  std::mutex seen_mutex;
  ServerRequest seen;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""},
                        [&](const ServerRequest& request, ServerConnection& connection) {
                          {
                            std::lock_guard lock(seen_mutex);
                            seen = request;
                          }
                          connection.write(http_response(
                              200, "OK", {{"Content-Type", "application/json"}}, R"({"kind":"PodList"})"));
                        });
  auto config = f.config(server);
  config.server += "/prefix/";
  auto client = make_http_client(config, nullptr);
  CHECK(client->default_namespace() == "web");
  CHECK(client->server() == config.server);
  CancelToken cancel;
  auto response = client->send(get("/api/v1/pods?limit=1"), cancel);
  REQUIRE_MESSAGE(response, (response ? "" : response.error().message));
  CHECK(response->status == 200);
  CHECK(response->body == R"({"kind":"PodList"})");
  CHECK(response->header("content-type") == "application/json");
  std::lock_guard lock(seen_mutex);
  CHECK(seen.method == "GET");
  CHECK(seen.target == "/prefix/api/v1/pods?limit=1");
  CHECK(seen.header("Authorization") == "Bearer tok-secret-123");
  CHECK(seen.header("Host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(seen.header("Accept") == "application/json");
  CHECK(server.last_sni().empty());  // no SNI for an IP address
}

TEST_CASE("a server certificate from another CA is refused with a clear error") {
  Fixture f;
  testing::TestPki other;
  auto foreign = other.server("impostor", {"IP:127.0.0.1"});
  LoopbackServer server({foreign.certificate, foreign.key, ""}, answer(200, "OK", "{}"));
  auto client = make_http_client(f.config(server), nullptr);
  CancelToken cancel;
  auto response = client->send(get("/api"), cancel);
  REQUIRE_FALSE(response);
  CHECK(response.error().kind == ErrorKind::Transport);
  CHECK(response.error().message.find("cannot verify the certificate") != std::string::npos);
  CHECK(response.error().hint.find("certificate-authority") != std::string::npos);
  CHECK(server.requests_served() == 0);

  SUBCASE("insecure-skip-tls-verify accepts it") {
    auto config = f.config(server);
    config.certificate_authority_pem.clear();
    config.insecure_skip_tls_verify = true;
    auto insecure = make_http_client(config, nullptr);
    auto ok = insecure->send(get("/api"), cancel);
    REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
    CHECK(ok->body == "{}");
  }
  SUBCASE("the system trust store does not trust a private CA") {
    auto config = f.config(server);
    config.certificate_authority_pem.clear();
    auto system = make_http_client(config, nullptr);
    CHECK_FALSE(system->send(get("/api"), cancel));
  }
}

TEST_CASE("hostname verification: mismatch refused, tls-server-name overrides name and SNI") {
  Fixture f;
  auto named = f.pki.server("kube", {"DNS:kube.test"});
  LoopbackServer server({named.certificate, named.key, ""}, answer(200, "OK", "{}"));
  CancelToken cancel;

  auto mismatch = make_http_client(f.config(server), nullptr)->send(get("/api"), cancel);
  REQUIRE_FALSE(mismatch);
  CHECK(mismatch.error().kind == ErrorKind::Transport);
  CHECK(mismatch.error().message.find("mismatch") != std::string::npos);
  CHECK(mismatch.error().message.find("cannot verify the certificate") != std::string::npos);
  CHECK(mismatch.error().hint.find("tls-server-name") != std::string::npos);
  CHECK(mismatch.error().hint.find("127.0.0.1") != std::string::npos);

  auto config = f.config(server);
  config.tls_server_name = "kube.test";
  auto overridden = make_http_client(config, nullptr)->send(get("/api"), cancel);
  REQUIRE_MESSAGE(overridden, (overridden ? "" : overridden.error().message));
  CHECK(server.last_sni() == "kube.test");

  config.tls_server_name = "other.test";
  auto wrong = make_http_client(config, nullptr)->send(get("/api"), cancel);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().hint.find("other.test") != std::string::npos);
}

TEST_CASE("client certificates from memory are presented, and a rotated one is used") {
  Fixture f;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, f.pki.ca_pem()},
                        answer(200, "OK", "{}"));
  CancelToken cancel;

  auto anonymous = make_http_client(f.config(server), nullptr)->send(get("/api"), cancel);
  REQUIRE_FALSE(anonymous);
  CHECK(anonymous.error().kind == ErrorKind::Transport);
  // TLS 1.3 refuses after the handshake: the client sees the alert, or (when the server's
  // close with unread data raced it) a reset, which a GET retries.
  int after_anonymous = server.connections_accepted();
  if (after_anonymous == 1) {
    CHECK(anonymous.error().message.find("certificate required") != std::string::npos);
    CHECK(anonymous.error().hint.find("client-certificate") != std::string::npos);
  }

  auto alice = f.pki.client("alice");
  Credentials with_cert;
  with_cert.client_certificate = ClientCertificate{alice.certificate, alice.key};
  f.auth->set(with_cert);
  auto client = make_http_client(f.config(server), nullptr);
  auto ok = client->send(get("/api"), cancel);
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(server.last_client_common_name() == "alice");
  CHECK(server.connections_accepted() == after_anonymous + 1);

  auto bob = f.pki.client("bob");
  with_cert.client_certificate = ClientCertificate{bob.certificate, bob.key};
  f.auth->set(with_cert);
  REQUIRE(client->send(get("/api"), cancel));
  CHECK(server.last_client_common_name() == "bob");
  CHECK(server.connections_accepted() == after_anonymous + 2);  // alice's was not reused

  SUBCASE("a key that does not match the certificate is a Config error without key text") {
    with_cert.client_certificate = ClientCertificate{bob.certificate, alice.key};
    f.auth->set(with_cert);
    auto mismatched = client->send(get("/api"), cancel);
    REQUIRE_FALSE(mismatched);
    CHECK(mismatched.error().kind == ErrorKind::Config);
    CHECK(mismatched.error().message.find("do not match") != std::string::npos);
    CHECK(mismatched.error().message.find("PRIVATE KEY") == std::string::npos);
  }
}

TEST_CASE("keep-alive: sequential and concurrent requests share few connections") {
  Fixture f;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""}, answer(200, "OK", "{}"));
  auto client = make_http_client(f.config(server), nullptr);
  CancelToken cancel;
  for (int i = 0; i < 20; ++i) REQUIRE(client->send(get("/api"), cancel));
  CHECK(server.connections_accepted() == 1);
  CHECK(server.requests_served() == 20);

  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i)
        if (!client->send(get("/api"), cancel)) ++failures;
    });
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(server.requests_served() == 120);
  CHECK(server.connections_accepted() <= 5);
}

TEST_CASE("a connection the server closed while idle is replaced transparently") {
  Fixture f;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""},
                        [](const ServerRequest&, ServerConnection& connection) {
                          connection.write(http_response(200, "OK", {}, "{}"));
                          connection.close_after_response();  // without saying Connection: close
                        });
  auto client = make_http_client(f.config(server), nullptr);
  CancelToken cancel;
  Request post = get("/api/v1/namespaces/web/pods");
  post.method = "POST";
  post.body = "{}";
  for (int i = 0; i < 5; ++i) {
    // A GET goes again when its reused connection turns out closed. A POST may not (the
    // server could have acted on it), so it relies on the pool noticing the close first:
    // give the server's close time to arrive, as an idle connection would.
    if (i % 2) std::this_thread::sleep_for(100ms);
    auto response = client->send(i % 2 ? post : get("/api"), cancel);
    REQUIRE_MESSAGE(response, (response ? "" : response.error().message));
  }
  CHECK(server.requests_served() == 5);
  CHECK(server.connections_accepted() == 5);
}

TEST_CASE("new connections resume the TLS session, but only for the same client identity") {
  Fixture f;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, f.pki.ca_pem()},
                        [](const ServerRequest&, ServerConnection& connection) {
                          connection.write(http_response(200, "OK", {{"Connection", "close"}}, "{}"));
                          connection.close_after_response();
                        });
  auto alice = f.pki.client("alice");
  auto bob = f.pki.client("bob");
  Credentials as_alice, as_bob;
  as_alice.client_certificate = ClientCertificate{alice.certificate, alice.key};
  as_bob.client_certificate = ClientCertificate{bob.certificate, bob.key};
  f.auth->set(as_alice);
  auto client = make_http_client(f.config(server), nullptr);
  CancelToken cancel;
  for (int i = 0; i < 4; ++i) {
    auto response = client->send(get("/api"), cancel);
    REQUIRE_MESSAGE(response, (response ? "" : response.error().message));
  }
  CHECK(server.connections_accepted() == 4);
  CHECK(server.sessions_resumed() >= 2);
  int resumed_as_alice = server.sessions_resumed();
  f.auth->set(as_bob);
  auto as_bob_response = client->send(get("/api"), cancel);
  REQUIRE_MESSAGE(as_bob_response, (as_bob_response ? "" : as_bob_response.error().message));
  CHECK(server.sessions_resumed() == resumed_as_alice);  // bob's first handshake is a full one
  CHECK(server.last_client_common_name() == "bob");
}

TEST_CASE("open_stream delivers a chunked body incrementally, then reuses the connection") {
  Fixture f;
  std::promise<void> first_chunk_read;
  auto first_chunk_read_future = first_chunk_read.get_future().share();
  LoopbackServer server(
      {f.localhost.certificate, f.localhost.key, ""},
      [&](const ServerRequest& request, ServerConnection& connection) {
        if (request.target.find("/log") == std::string::npos) {
          connection.write(http_response(200, "OK", {}, "{}"));
          return;
        }
        connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nline1\n\r\n");
        // The second chunk only comes once the client has read the first: a client that
        // buffered the whole body would hang here.
        first_chunk_read_future.wait_for(5s);
        connection.write("6\r\nline2\n\r\n0\r\n\r\n");
      });
  auto client = make_http_client(f.config(server), nullptr);
  CancelToken cancel;
  Request request = get("/api/v1/namespaces/web/pods/p/log?follow=true");
  request.timeout = 0ms;
  auto stream = client->open_stream(request, cancel);
  REQUIRE_MESSAGE(stream, (stream ? "" : stream.error().message));
  char buffer[65536];
  auto n = (*stream)->read(buffer, sizeof buffer);
  REQUIRE(n);
  CHECK(std::string(buffer, *n) == "line1\n");
  first_chunk_read.set_value();
  std::string rest;
  for (;;) {
    auto more = (*stream)->read(buffer, sizeof buffer);
    REQUIRE(more);
    if (*more == 0) break;
    rest.append(buffer, *more);
  }
  CHECK(rest == "line2\n");
  REQUIRE(client->send(get("/api"), cancel));
  CHECK(server.connections_accepted() == 1);
}

TEST_CASE("non-2xx answers become Errors with the decoded Status") {
  Fixture f;
  LoopbackServer server(
      {f.localhost.certificate, f.localhost.key, ""},
      answer(404, "Not Found",
             R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"x\" not found","reason":"NotFound","code":404})"));
  auto client = make_http_client(f.config(server), nullptr);
  CancelToken cancel;
  auto response = client->send(get("/api/v1/namespaces/web/pods/x"), cancel);
  REQUIRE_FALSE(response);
  CHECK(response.error().kind == ErrorKind::NotFound);
  CHECK(response.error().http_status == 404);
  CHECK(response.error().message == "pods \"x\" not found");
  auto stream = client->open_stream(get("/api/v1/namespaces/web/pods/x/log"), cancel);
  REQUIRE_FALSE(stream);
  CHECK(stream.error().kind == ErrorKind::NotFound);
  CHECK(server.connections_accepted() == 1);  // error bodies are read, connections kept
}

TEST_CASE("401 refreshes the credentials once and retries") {
  Fixture f;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""},
                        [](const ServerRequest& request, ServerConnection& connection) {
                          if (request.header("Authorization") == "Bearer fresh-token")
                            connection.write(http_response(200, "OK", {}, "{}"));
                          else
                            connection.write(http_response(
                                401, "Unauthorized", {},
                                R"({"kind":"Status","message":"Unauthorized","reason":"Unauthorized","code":401})"));
                        });
  auto client = make_http_client(f.config(server), nullptr);
  CancelToken cancel;

  SUBCASE("the refreshed token works") {
    f.auth->set_refreshed(bearer("fresh-token"));
    Request post = get("/api/v1/namespaces/web/pods");
    post.method = "POST";
    post.body = R"({"kind":"Pod"})";
    auto response = client->send(post, cancel);
    REQUIRE_MESSAGE(response, (response ? "" : response.error().message));
    CHECK(f.auth->refreshes == 1);
    CHECK(server.requests_served() == 2);
  }
  SUBCASE("nothing new: the 401 is reported after one refresh") {
    auto response = client->send(get("/api"), cancel);
    REQUIRE_FALSE(response);
    CHECK(response.error().kind == ErrorKind::Unauthorized);
    CHECK(f.auth->refreshes == 1);
    CHECK(server.requests_served() == 1);
    CHECK(response.error().message == "Unauthorized");
  }
  SUBCASE("the provider's reason for the rejection is added to the 401") {
    f.auth->note = "the exec plugin \"x\" gave a credential that had already expired";
    auto response = client->send(get("/api"), cancel);
    REQUIRE_FALSE(response);
    CHECK(response.error().message ==
          "Unauthorized; the exec plugin \"x\" gave a credential that had already expired");
    CHECK(response.error().hint.find("log in again") != std::string::npos);
  }
}

TEST_CASE("GET is retried on 503 honouring Retry-After (bounded); POST only with Retry-After") {
  Fixture f;
  std::atomic<int> calls{0};
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""},
                        [&](const ServerRequest&, ServerConnection& connection) {
                          if (++calls % 2 == 1)
                            connection.write(http_response(503, "Service Unavailable",
                                                           {{"Retry-After", "30"}}, "busy"));
                          else
                            connection.write(http_response(200, "OK", {}, "{}"));
                        });
  HttpClientOptions options;
  options.max_retry_delay = 300ms;
  auto client = make_http_client(f.config(server), nullptr, options);
  CancelToken cancel;
  auto started = std::chrono::steady_clock::now();
  auto response = client->send(get("/api"), cancel);
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_MESSAGE(response, (response ? "" : response.error().message));
  CHECK(calls == 2);
  CHECK(took >= 290ms);  // waited, capped at max_retry_delay instead of 30s
  CHECK(took < 5s);

  // With Retry-After the server says it did not act and asks for the request again.
  Request post = get("/api/v1/namespaces/web/pods");
  post.method = "POST";
  post.body = "{}";
  auto retried = client->send(post, cancel);
  REQUIRE_MESSAGE(retried, (retried ? "" : retried.error().message));
  CHECK(calls == 4);

  SUBCASE("a POST answered 503 without Retry-After may have been acted on: not repeated") {
    LoopbackServer plain({f.localhost.certificate, f.localhost.key, ""},
                         answer(503, "Service Unavailable", "busy"));
    auto refused = make_http_client(f.config(plain), nullptr, options)->send(post, cancel);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::Unavailable);
    CHECK(plain.requests_served() == 1);
  }

  SUBCASE("retries are bounded") {
    LoopbackServer always({f.localhost.certificate, f.localhost.key, ""},
                          answer(429, "Too Many Requests", "slow down", {{"Retry-After", "0"}}));
    HttpClientOptions two;
    two.max_retries = 2;
    auto bounded = make_http_client(f.config(always), nullptr, two)->send(get("/api"), cancel);
    REQUIRE_FALSE(bounded);
    CHECK(bounded.error().http_status == 429);
    CHECK(always.requests_served() == 3);
  }
}

TEST_CASE("a body cut short: a GET is asked for again, a PATCH is reported as applied") {
  Fixture f;
  std::atomic<int> calls{0};
  // The first answer of each request promises 64 bytes, sends 10 and closes the connection.
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""},
                        [&](const ServerRequest&, ServerConnection& connection) {
                          std::string whole = http_response(200, "OK", {}, std::string(64, 'x'));
                          if (++calls % 2 == 1) {
                            connection.write(whole.substr(0, whole.size() - 54));
                            connection.close_after_response();
                          } else {
                            connection.write(whole);
                          }
                        });
  auto client = make_http_client(f.config(server), nullptr, HttpClientOptions{});
  CancelToken cancel;
  auto response = client->send(get("/api/v1/namespaces/web/pods"), cancel);
  REQUIRE_MESSAGE(response, (response ? "" : response.error().message));
  CHECK(response->body == std::string(64, 'x'));
  CHECK(calls == 2);

  Request patch = get("/apis/apps/v1/namespaces/web/deployments/app/scale");
  patch.method = "PATCH";
  patch.body = R"({"spec":{"replicas":3}})";
  auto cut = client->send(patch, cancel);
  REQUIRE_FALSE(cut);
  CHECK(calls == 3);  // not repeated
  CHECK(cut.error().kind == ErrorKind::Transport);
  CHECK(cut.error().message.find("the server had answered 200 OK, so the change was made and "
                                 "only its answer was lost") != std::string::npos);
  CHECK(cut.error().hint.find("check the object's current state") != std::string::npos);
}

TEST_CASE("a PATCH whose connection ends before any answer is not repeated and may be applied") {
  Fixture f;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""},
                        [&](const ServerRequest&, ServerConnection& connection) {
                          connection.close_after_response();  // no answer at all
                        });
  auto client = make_http_client(f.config(server), nullptr, HttpClientOptions{});
  CancelToken cancel;
  Request patch = get("/api/v1/nodes/node-1");
  patch.method = "PATCH";
  patch.body = R"({"spec":{"unschedulable":true}})";
  auto lost = client->send(patch, cancel);
  REQUIRE_FALSE(lost);
  CHECK(server.requests_served() == 1);
  CHECK(lost.error().message.find("the request had been sent, so the server may have applied it") !=
        std::string::npos);
  CHECK(lost.error().hint.find("check the object's current state") != std::string::npos);

  // A GET in the same situation is simply asked again (and fails the same way, bounded).
  auto get_lost = client->send(get("/api/v1/nodes/node-1"), cancel);
  REQUIRE_FALSE(get_lost);
  CHECK(get_lost.error().message.find("may have applied") == std::string::npos);
  CHECK(server.requests_served() == 1 + 4);
}

TEST_CASE("cancellation unblocks a hanging request and a hanging stream quickly") {
  Fixture f;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""},
                        [&](const ServerRequest& request, ServerConnection& connection) {
                          if (request.target.find("stream") != std::string::npos)
                            connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                          server.wait_until_stopped(30s);
                        });
  auto client = make_http_client(f.config(server), nullptr);

  SUBCASE("send") {
    CancelToken cancel;
    Request request = get("/api/hang");
    request.timeout = 0ms;
    auto pending = std::async(std::launch::async, [&] { return client->send(request, cancel); });
    CHECK(pending.wait_for(200ms) == std::future_status::timeout);  // really blocked
    auto started = std::chrono::steady_clock::now();
    cancel.cancel();
    REQUIRE(pending.wait_for(2s) == std::future_status::ready);
    CHECK(std::chrono::steady_clock::now() - started < 500ms);
    auto response = pending.get();
    REQUIRE_FALSE(response);
    CHECK(response.error().kind == ErrorKind::Cancelled);
  }
  SUBCASE("stream read, by the token and by close()") {
    for (bool by_token : {true, false}) {
      CancelToken cancel;
      Request request = get("/api/stream");
      request.timeout = 0ms;
      auto stream = client->open_stream(request, cancel);
      REQUIRE_MESSAGE(stream, (stream ? "" : stream.error().message));
      auto pending = std::async(std::launch::async, [&] {
        char buffer[1024];
        return (*stream)->read(buffer, sizeof buffer);
      });
      CHECK(pending.wait_for(200ms) == std::future_status::timeout);
      if (by_token) cancel.cancel();
      else (*stream)->close();
      REQUIRE(pending.wait_for(2s) == std::future_status::ready);
      auto read = pending.get();
      REQUIRE_FALSE(read);
      CHECK(read.error().kind == ErrorKind::Cancelled);
    }
  }
  SUBCASE("an already cancelled token sends nothing") {
    CancelToken cancel;
    cancel.cancel();
    auto response = client->send(get("/api"), cancel);
    REQUIRE_FALSE(response);
    CHECK(response.error().kind == ErrorKind::Cancelled);
  }
}

TEST_CASE("a read timeout ends a request the server never answers") {
  Fixture f;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""},
                        [&](const ServerRequest&, ServerConnection&) {
                          server.wait_until_stopped(30s);
                        });
  auto client = make_http_client(f.config(server), nullptr);
  CancelToken cancel;
  Request request = get("/api");
  request.timeout = 300ms;
  auto started = std::chrono::steady_clock::now();
  auto response = client->send(request, cancel);
  REQUIRE_FALSE(response);
  CHECK(response.error().kind == ErrorKind::Timeout);
  CHECK(std::chrono::steady_clock::now() - started < 3s);
}

TEST_CASE("connection failures are Transport errors naming the address") {
  Fixture f;
  std::string url;
  {
    LoopbackServer closed({f.localhost.certificate, f.localhost.key, ""}, answer(200, "OK", ""));
    url = closed.url();
  }
  RestConfig config;
  config.server = url;
  config.auth = f.auth;
  CancelToken cancel;
  auto response = make_http_client(config, nullptr)->send(get("/api"), cancel);
  REQUIRE_FALSE(response);
  CHECK(response.error().kind == ErrorKind::Transport);
  CHECK(response.error().message.find(url.substr(8)) != std::string::npos);

  config.server = "ftp://nope";
  auto broken = make_http_client(config, nullptr)->send(get("/api"), cancel);
  REQUIRE_FALSE(broken);
  CHECK(broken.error().kind == ErrorKind::Config);
}

TEST_CASE("-v and -vv diagnostics: one line per request, headers and bodies, secrets masked") {
  Fixture f;
  f.auth->set_refreshed(bearer("fresh-secret-456"));
  LoopbackServer server(
      {f.localhost.certificate, f.localhost.key, ""},
      [](const ServerRequest& request, ServerConnection& connection) {
        if (request.header("Authorization") != "Bearer fresh-secret-456") {
          connection.write(http_response(401, "Unauthorized", {}, "{}"));
          return;
        }
        connection.write(http_response(200, "OK", {{"Content-Type", "application/json"}},
                                       R"({"status":{"token":"minted-secret-789"}})"));
      });
  std::mutex lines_mutex;
  std::vector<std::pair<int, std::string>> lines;
  auto client = make_http_client(f.config(server), [&](int level, std::string_view line) {
    std::lock_guard lock(lines_mutex);
    lines.emplace_back(level, std::string(line));
  });
  CancelToken cancel;
  Request request = get("/apis/authentication.k8s.io/v1/tokenreviews");
  request.method = "POST";
  request.body = R"({"spec":{"token":"review-secret-000"}})";
  request.content_type = "application/json";
  REQUIRE(client->send(request, cancel));

  std::string expected_prefix = "POST " + server.url() + "/apis/authentication.k8s.io/v1/tokenreviews 200 OK in ";
  bool summary = false, request_headers = false, response_body = false;
  for (const auto& [level, line] : lines) {
    for (const char* secret : {"tok-secret-123", "fresh-secret-456", "minted-secret-789",
                               "review-secret-000"})
      CHECK_MESSAGE(line.find(secret) == std::string::npos, line);
    if (level == 1 && line.rfind(expected_prefix, 0) == 0 && line.size() > 2 &&
        line.substr(line.size() - 2) == "ms")
      summary = true;
    if (level == 2 && line.find("Authorization: Bearer <masked>") != std::string::npos)
      request_headers = true;
    if (level == 2 && line.find(R"("token":"<masked>")") != std::string::npos) response_body = true;
  }
  CHECK(summary);
  CHECK(request_headers);
  CHECK(response_body);
}

TEST_CASE("HTTP CONNECT through proxy-url, with proxy credentials") {
  Fixture f;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""}, answer(200, "OK", "{}"));
  CancelToken cancel;
  SUBCASE("open proxy") {
    testing::ConnectProxy proxy;
    auto config = f.config(server);
    config.proxy_url = proxy.url();
    auto client = make_http_client(config, nullptr);
    for (int i = 0; i < 3; ++i) {
      auto response = client->send(get("/api"), cancel);
      REQUIRE_MESSAGE(response, (response ? "" : response.error().message));
    }
    CHECK(proxy.tunnels() == 1);  // the tunnelled connection is kept alive
    REQUIRE(proxy.targets().size() == 1);
    CHECK(proxy.targets()[0] == "127.0.0.1:" + std::to_string(server.port()));
  }
  SUBCASE("proxy requiring credentials") {
    testing::ConnectProxy proxy("Basic dXNlcjpwQHNz");  // user:p@ss
    auto config = f.config(server);
    config.proxy_url = proxy.url();
    auto refused = make_http_client(config, nullptr)->send(get("/api"), cancel);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("407") != std::string::npos);
    CHECK(refused.error().hint.find("credentials") != std::string::npos);

    config.proxy_url = "http://user:p%40ss@127.0.0.1:" + std::to_string(proxy.port());
    auto ok = make_http_client(config, nullptr)->send(get("/api"), cancel);
    REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
    CHECK(proxy.tunnels() == 1);
  }
}

TEST_CASE("a server address with CR/LF never reaches the proxy's CONNECT line") {
  Fixture f;
  LoopbackServer server({f.localhost.certificate, f.localhost.key, ""}, answer(200, "OK", "{}"));
  testing::ConnectProxy proxy;
  auto config = f.config(server);
  config.server = "https://127.0.0.1\r\nX-Smuggled:" + std::to_string(server.port());
  config.proxy_url = proxy.url();
  CancelToken cancel;
  // Refused where the kubeconfig's server URL is read (every call of that client fails so).
  auto refused = make_http_client(config, nullptr)->send(get("/api"), cancel);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Config);
  INFO(refused.error().message);
  CHECK(refused.error().message.find("control character") != std::string::npos);
  CHECK(refused.error().message.find("\"https://127.0.0.1\\r\\nX-Smuggled:") != std::string::npos);  // escaped
  // The proxy saw a connection open and close, and not one byte of a CONNECT line.
  for (const auto& target : proxy.targets()) CHECK(target.empty());
}

TEST_CASE("open_websocket upgrades with host, prefix and credentials, refreshing once on 401") {
  Fixture f;
  f.auth->set_refreshed(bearer("fresh-token"));
  std::mutex seen_mutex;
  std::vector<ServerRequest> seen;
  LoopbackServer server(
      {f.localhost.certificate, f.localhost.key, ""},
      [&](const ServerRequest& request, ServerConnection& connection) {
        {
          std::lock_guard lock(seen_mutex);
          seen.push_back(request);
        }
        if (request.header("Authorization") != "Bearer fresh-token") {
          connection.write(http_response(401, "Unauthorized", {}, "{}"));
          return;
        }
        connection.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n"
                         "Sec-WebSocket-Accept: " +
                         websocket_accept_for_key(request.header("Sec-WebSocket-Key")) +
                         "\r\n\r\n");
        connection.write(std::string("\x82\x03\x01hi", 5));  // binary frame: stdout "hi"
        connection.close_after_response();
      });
  auto config = f.config(server);
  config.server += "/prefix";
  auto client = make_http_client(config, nullptr);
  CancelToken cancel;
  UpgradeRequest request;
  request.path = "/api/v1/namespaces/web/pods/p/exec?command=ls&stdout=true";
  request.protocols = {"v5.channel.k8s.io", "v4.channel.k8s.io"};
  auto socket = client->open_websocket(request, cancel);
  REQUIRE_MESSAGE(socket, (socket ? "" : socket.error().message));
  CHECK((*socket)->protocol() == "v4.channel.k8s.io");
  auto message = (*socket)->receive();
  REQUIRE_MESSAGE(message, (message ? "" : message.error().message));
  CHECK(message->payload == std::string("\x01hi", 3));
  CHECK(f.auth->refreshes == 1);
  std::lock_guard lock(seen_mutex);
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].target == "/prefix" + request.path);
  CHECK(seen[1].header("Host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(seen[1].header("Sec-WebSocket-Protocol").find("v4.channel.k8s.io") != std::string::npos);
}

TEST_CASE("a server that never completes the TLS handshake: connect timeout and cancellation") {
  Fixture f;
  // A plain-HTTP server waits for a request line that a TLS ClientHello never completes.
  LoopbackServer silent({}, answer(200, "OK", "{}"));
  auto config = f.config(silent);
  config.server = "https://127.0.0.1:" + std::to_string(silent.port());

  SUBCASE("timeout") {
    HttpClientOptions options;
    options.connect_timeout = 300ms;
    CancelToken cancel;
    auto started = std::chrono::steady_clock::now();
    auto response = make_http_client(config, nullptr, options)->send(get("/api"), cancel);
    REQUIRE_FALSE(response);
    CHECK(response.error().kind == ErrorKind::Timeout);
    CHECK(response.error().message.find("TLS handshake") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < 3s);
  }
  SUBCASE("cancel") {
    CancelToken cancel;
    auto client = make_http_client(config, nullptr);
    auto pending = std::async(std::launch::async, [&] { return client->send(get("/api"), cancel); });
    CHECK(pending.wait_for(200ms) == std::future_status::timeout);
    cancel.cancel();
    REQUIRE(pending.wait_for(2s) == std::future_status::ready);
    auto response = pending.get();
    REQUIRE_FALSE(response);
    CHECK(response.error().kind == ErrorKind::Cancelled);
  }
}

TEST_CASE("basic credentials and plain http:// servers") {
  Fixture f;
  Credentials basic;
  basic.basic = std::make_pair(std::string("user"), std::string("pass"));
  f.auth->set(basic);
  LoopbackServer plain({}, [](const ServerRequest& request, ServerConnection& connection) {
    bool ok = request.header("Authorization") == "Basic dXNlcjpwYXNz";
    connection.write(http_response(ok ? 200 : 401, ok ? "OK" : "Unauthorized", {}, "{}"));
  });
  auto config = f.config(plain);
  CHECK(config.server.rfind("http://", 0) == 0);
  CancelToken cancel;
  auto response = make_http_client(config, nullptr)->send(get("/api"), cancel);
  REQUIRE_MESSAGE(response, (response ? "" : response.error().message));
  CHECK(f.auth->refreshes == 0);
}
