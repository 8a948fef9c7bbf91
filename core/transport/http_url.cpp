#include <algorithm>
#include "transport/http_url.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace orka::core {
namespace {

std::uint16_t default_port(std::string_view scheme) { return scheme == "http" ? 80 : 443; }

std::unexpected<Error> bad_url(std::string_view url, std::string_view why) {
  // Escaped: the URL may hold the very control characters it is refused for.
  return fail(ErrorKind::Config, fmt::format("invalid URL {:?}: {}", url, why),
              "expected a URL like https://host:6443");
}

}  // namespace

bool HttpUrl::host_is_ip_literal() const {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::string HttpUrl::host_header() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port == default_port(scheme)) return name;
  return fmt::format("{}:{}", name, port);
}

std::string HttpUrl::authority() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return fmt::format("{}:{}", name, port);
}

std::string HttpUrl::display() const {
  return fmt::format("{}://{}{}", scheme, host_header(), path_prefix);
}

Result<HttpUrl> parse_http_url(std::string_view url) {
  HttpUrl parsed;
  std::string_view rest = url;
  if (auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    parsed.scheme = std::string(rest.substr(0, scheme_end));
    for (auto& c : parsed.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest.remove_prefix(scheme_end + 3);
  } else {
    parsed.scheme = "https";
  }
  if (parsed.scheme != "https" && parsed.scheme != "http")
    return bad_url(url, fmt::format("unsupported scheme \"{}\" (use https or http)", parsed.scheme));

  auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    parsed.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(url, "unterminated IPv6 address");
    parsed.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url(url, "unexpected text after the IPv6 address");
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.find(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (parsed.host.empty()) return bad_url(url, "no host");
  // A CR or LF here would end a request line (CONNECT through a proxy) or the Host header early
  // and let the rest become a request of its own.
  if (std::any_of(parsed.host.begin(), parsed.host.end(),
                  [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
    return bad_url(url, "the host holds a space or control character");

  parsed.port = default_port(parsed.scheme);
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535)
      return bad_url(url, fmt::format("invalid port \"{}\"", port_text));
    parsed.port = static_cast<std::uint16_t>(value);
  }

  if (auto cut = path.find_first_of("?#"); cut != std::string_view::npos) path = path.substr(0, cut);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  parsed.path_prefix = std::string(path);
  return parsed;
}

}  // namespace orka::core
