// HTTPS_PROXY/NO_PROXY as client-go reads them, with NO_PROXY (and the server) from the input:
// the first line is the server URL, the rest NO_PROXY. Never a crash; loopback and localhost
// never go through the proxy; "*" exempts every server.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "transport/proxy_environment.hpp"

using namespace orka::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = orka_fuzz::as_text(data, size);
  const auto newline = text.find('\n');
  auto server = parse_http_url(text.substr(0, newline));
  if (!server) return 0;
  const std::string no_proxy(newline == std::string_view::npos ? "" : text.substr(newline + 1));
  auto lookup = [&](const char* name) -> std::string {
    const std::string_view variable = name;
    if (variable == "HTTPS_PROXY" || variable == "http_proxy") return "proxy.test:3128";
    if (variable == "NO_PROXY") return no_proxy;
    return {};
  };
  auto proxy = proxy_from_environment(*server, lookup);
  if (server->host == "localhost" || server->host == "127.0.0.1" || server->host == "::1")
    ORKA_FUZZ_CHECK(!proxy);
  if (no_proxy == "*") ORKA_FUZZ_CHECK(!proxy);
  if (proxy) ORKA_FUZZ_CHECK(proxy->url == "http://proxy.test:3128");
  return 0;
}
