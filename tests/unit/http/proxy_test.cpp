// Proxies: which one the environment names for a server (HTTPS_PROXY, NO_PROXY), and a
// hostile answer to CONNECT.
#include "transport/proxy_environment.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

#include "transport/http_client.hpp"

using orka::core::HttpUrl;
using orka::core::parse_http_url;
using orka::core::proxy_from_environment;

namespace {

struct Environment {
  std::map<std::string, std::string> values;
  orka::core::EnvironmentLookup lookup() const {
    return [this](const char* name) {
      auto it = values.find(name);
      return it == values.end() ? std::string() : it->second;
    };
  }
};

HttpUrl url(const char* text) {
  auto parsed = parse_http_url(text);
  REQUIRE(parsed);
  return *parsed;
}

std::string proxy_for(const Environment& env, const char* server) {
  auto proxy = proxy_from_environment(url(server), env.lookup());
  return proxy ? proxy->variable + "=" + proxy->url : "direct";
}

}  // namespace

TEST_CASE("HTTPS_PROXY for https servers, HTTP_PROXY for http ones, upper case first") {
  Environment env{{{"HTTPS_PROXY", "http://upper:3128"},
                   {"https_proxy", "http://lower:3128"},
                   {"http_proxy", "http://plain:8080"}}};
  CHECK(proxy_for(env, "https://api.example.com:6443") == "HTTPS_PROXY=http://upper:3128");
  CHECK(proxy_for(env, "http://api.example.com:8080") == "http_proxy=http://plain:8080");
  env.values.erase("HTTPS_PROXY");
  CHECK(proxy_for(env, "https://api.example.com") == "https_proxy=http://lower:3128");
  CHECK(proxy_for(Environment{}, "https://api.example.com") == "direct");
}

TEST_CASE("a proxy without a scheme means http://, as in Go") {
  Environment env{{{"HTTPS_PROXY", " proxy.corp:3128 "}}};
  CHECK(proxy_for(env, "https://api.example.com") == "HTTPS_PROXY=http://proxy.corp:3128");
}

TEST_CASE("localhost and loopback addresses never go through the proxy") {
  Environment env{{{"HTTPS_PROXY", "http://proxy:3128"}}};
  CHECK(proxy_for(env, "https://localhost:6443") == "direct");
  CHECK(proxy_for(env, "https://LOCALHOST:6443") == "direct");
  CHECK(proxy_for(env, "https://127.0.0.1:6443") == "direct");
  CHECK(proxy_for(env, "https://127.8.9.10:6443") == "direct");
  CHECK(proxy_for(env, "https://[::1]:6443") == "direct");
  CHECK(proxy_for(env, "https://10.0.0.1:6443") == "HTTPS_PROXY=http://proxy:3128");
}

TEST_CASE("NO_PROXY: *, hosts with their subdomains, .domains, IPs, CIDR blocks, ports") {
  Environment env{{{"HTTPS_PROXY", "http://proxy:3128"}}};
  auto direct_with = [&](const char* no_proxy, const char* server) {
    env.values["NO_PROXY"] = no_proxy;
    return proxy_for(env, server) == "direct";
  };
  CHECK(direct_with("*", "https://api.example.com"));
  CHECK(direct_with("example.com", "https://example.com"));
  CHECK(direct_with("example.com", "https://api.example.com"));
  CHECK_FALSE(direct_with("example.com", "https://badexample.com"));
  CHECK(direct_with(".example.com", "https://api.example.com"));
  CHECK_FALSE(direct_with(".example.com", "https://example.com"));
  CHECK(direct_with("*.example.com", "https://api.example.com"));
  CHECK(direct_with(" other.org , EXAMPLE.com ", "https://Api.Example.COM"));
  CHECK(direct_with("10.1.2.3", "https://10.1.2.3:6443"));
  CHECK_FALSE(direct_with("10.1.2.3", "https://10.1.2.4:6443"));
  CHECK(direct_with("10.0.0.0/8", "https://10.200.3.4:6443"));
  CHECK_FALSE(direct_with("10.0.0.0/8", "https://11.0.0.1:6443"));
  CHECK(direct_with("fd00::/8", "https://[fd12::1]:6443"));
  CHECK(direct_with("api.example.com:6443", "https://api.example.com:6443"));
  CHECK_FALSE(direct_with("api.example.com:443", "https://api.example.com:6443"));
  CHECK(direct_with("[fd12::1]:6443", "https://[fd12::1]:6443"));
  CHECK_FALSE(direct_with("other.org", "https://api.example.com"));
  env.values.erase("NO_PROXY");
  env.values["no_proxy"] = "example.com";
  CHECK(proxy_for(env, "https://api.example.com") == "direct");
}

TEST_CASE("a proxy from the environment that orka cannot use is a clear error naming its variable") {
  // The server is never dialled: the client refuses while setting up, so nothing leaves.
  orka::core::RestConfig config;
  config.server = "https://api.example.invalid:6443";
  setenv("HTTPS_PROXY", "https://user:secret@proxy.example.invalid:3128", 1);
  orka::CancelToken cancel;
  orka::Request request;
  request.path = "/api";
  auto refused = orka::core::make_http_client(config, nullptr)->send(request, cancel);
  unsetenv("HTTPS_PROXY");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == orka::ErrorKind::Unsupported);
  CHECK(refused.error().message.find("HTTPS_PROXY") != std::string::npos);
  CHECK(refused.error().message.find("\"https\"") != std::string::npos);
  CHECK(refused.error().message.find("secret") == std::string::npos);
}

TEST_CASE("a proxy whose CONNECT answer never ends its head is refused within 16 KiB") {
  // A raw TCP "proxy" on 127.0.0.1 that answers 200 and then sends header lines, never the
  // blank line (bounded: 1 MiB, so the test ends whatever the client does).
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  std::thread proxy([listener] {
    int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) return;
    std::string answer = "HTTP/1.1 200 Connection established\r\n";
    while (answer.size() < (1u << 20)) answer += "X-Filler: " + std::string(54, 'y') + "\r\n";
    for (std::size_t sent = 0; sent < answer.size();) {
      ssize_t n = ::send(fd, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });

  orka::core::RestConfig config;
  config.server = "https://127.0.0.1:1";  // never reached: the tunnel fails first
  config.proxy_url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  orka::CancelToken cancel;
  orka::Request request;
  request.path = "/api";
  const auto start = std::chrono::steady_clock::now();
  auto refused = orka::core::make_http_client(config, nullptr)->send(request, cancel);
  const auto took = std::chrono::steady_clock::now() - start;
  proxy.join();
  ::close(listener);
  REQUIRE_FALSE(refused);
  INFO(refused.error().message);
  CHECK(refused.error().message.find("no end of head within 16384 bytes") != std::string::npos);
  CHECK(took < std::chrono::seconds(5));
}
