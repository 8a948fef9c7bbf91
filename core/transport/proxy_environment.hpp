// The proxy an API server URL goes through when the kubeconfig names none: HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY read the way client-go reads them (Go's net/http
// ProxyFromEnvironment, golang.org/x/net/http/httpproxy). Internal to liborka.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "transport/http_url.hpp"

namespace orka::core {

struct EnvironmentProxy {
  std::string url;       // as given, e.g. "http://proxy:3128" (may hold credentials: never print)
  std::string variable;  // "HTTPS_PROXY", "https_proxy", "HTTP_PROXY" or "http_proxy"
};

// Looks a variable up; empty or unset are the same. The default reads the process environment.
using EnvironmentLookup = std::function<std::string(const char* name)>;
std::string process_environment(const char* name);

// The proxy for `server`, or none: HTTPS_PROXY (then https_proxy) for https servers, HTTP_PROXY
// (then http_proxy) for http ones; none for localhost and loopback addresses, nor for hosts
// NO_PROXY (then no_proxy) lists: "*", a host or domain (matching its subdomains; a leading "."
// or "*." matches subdomains only), an IP address, a CIDR block, each optionally with ":port".
std::optional<EnvironmentProxy> proxy_from_environment(const HttpUrl& server,
                                                       const EnvironmentLookup& lookup);

// Go's rule for a proxy value without a scheme ("proxy:3128"): it means http://.
std::string with_default_proxy_scheme(std::string_view value);

}  // namespace orka::core
