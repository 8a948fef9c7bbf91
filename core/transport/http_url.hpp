// The parts of an API server or proxy URL the transport needs. Internal to liborka.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "orka/error.hpp"

namespace orka::core {

struct HttpUrl {
  std::string scheme;  // "https" or "http"
  std::string host;    // an IPv6 literal is kept without brackets
  std::uint16_t port = 0;
  std::string path_prefix;  // "" or "/prefix" (no trailing slash); prepended to request paths
  std::string userinfo;     // "user:password" (proxies); secret, never logged

  bool is_tls() const { return scheme == "https"; }
  bool host_is_ip_literal() const;
  // "host" or "host:port" (port omitted when it is the scheme's default), for the Host header.
  std::string host_header() const;
  // Always "host:port", for CONNECT and messages.
  std::string authority() const;
  // "https://host[:port]" plus the path prefix, without credentials: safe to print.
  std::string display() const;
};

// Accepts "https://h", "https://h:6443/prefix/", "http://[::1]:8080", "h:6443" (https assumed,
// as kubectl does). Errors name the offending URL.
Result<HttpUrl> parse_http_url(std::string_view url);

}  // namespace orka::core
