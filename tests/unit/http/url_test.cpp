#include <doctest/doctest.h>

#include "orka/client.hpp"
#include "transport/http_url.hpp"

using orka::core::parse_http_url;

TEST_CASE("parse_http_url splits scheme, host, port and path prefix") {
  auto url = parse_http_url("https://127.0.0.1:6443");
  REQUIRE(url);
  CHECK(url->scheme == "https");
  CHECK(url->host == "127.0.0.1");
  CHECK(url->port == 6443);
  CHECK(url->path_prefix.empty());
  CHECK(url->host_header() == "127.0.0.1:6443");
  CHECK(url->host_is_ip_literal());

  auto prefixed = parse_http_url("https://api.example.com/k8s/clusters/c-1/");
  REQUIRE(prefixed);
  CHECK(prefixed->port == 443);
  CHECK(prefixed->path_prefix == "/k8s/clusters/c-1");
  CHECK(prefixed->host_header() == "api.example.com");
  CHECK(prefixed->authority() == "api.example.com:443");
  CHECK_FALSE(prefixed->host_is_ip_literal());
  CHECK(prefixed->display() == "https://api.example.com/k8s/clusters/c-1");
}

TEST_CASE("parse_http_url handles IPv6, http, a missing scheme and proxy credentials") {
  auto v6 = parse_http_url("http://[::1]:8080/");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8080);
  CHECK(v6->host_header() == "[::1]:8080");
  CHECK_FALSE(v6->is_tls());

  auto bare = parse_http_url("kube.local:6443");
  REQUIRE(bare);
  CHECK(bare->scheme == "https");
  CHECK(bare->host == "kube.local");

  auto proxy = parse_http_url("http://user:p%40ss@proxy.local:3128");
  REQUIRE(proxy);
  CHECK(proxy->userinfo == "user:p%40ss");
  CHECK(proxy->host == "proxy.local");
  CHECK(proxy->display().find("p%40ss") == std::string::npos);  // never shows credentials
}

TEST_CASE("parse_http_url rejects what it cannot use, naming the URL") {
  for (const char* bad : {"ftp://x", "https://", "https://h:0", "https://h:70000", "https://h:x",
                          "https://[::1"}) {
    auto url = parse_http_url(bad);
    REQUIRE_FALSE(url);
    CHECK(url.error().kind == orka::ErrorKind::Config);
    CHECK(url.error().message.find(bad) != std::string::npos);
  }
}


TEST_CASE("Response::header is case-insensitive and empty when absent") {
  orka::Response response;
  response.headers = {{"Content-Type", "application/json"}, {"X-A", "1"}, {"x-a", "2"}};
  CHECK(response.header("content-type") == "application/json");
  CHECK(response.header("X-A") == "1");
  CHECK(response.header("Retry-After").empty());
}
