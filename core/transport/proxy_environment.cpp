#include "transport/proxy_environment.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "util/ascii.hpp"

namespace orka::core {
namespace {

std::string first_set(const EnvironmentLookup& lookup, const char* upper, const char* lower,
                      std::string* which) {
  for (const char* name : {upper, lower}) {
    std::string value = lookup(name);
    if (!value.empty()) {
      if (which) *which = name;
      return value;
    }
  }
  return {};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// All of `text` as a decimal number, or none.
std::optional<unsigned> whole_number(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped), or none.
struct Address {
  std::array<unsigned char, 16> bytes{};
  bool v4 = false;
};
std::optional<Address> parse_address(const std::string& text) {
  Address address;
  unsigned char v4[4];
  if (inet_pton(AF_INET, text.c_str(), v4) == 1) {
    address.v4 = true;
    address.bytes[10] = address.bytes[11] = 0xff;
    std::memcpy(address.bytes.data() + 12, v4, 4);
    return address;
  }
  if (inet_pton(AF_INET6, text.c_str(), address.bytes.data()) == 1) return address;
  return std::nullopt;
}

bool is_loopback(const Address& address) {
  if (address.v4) return address.bytes[12] == 127;
  static constexpr std::array<unsigned char, 16> kIpv6Loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                               0, 0, 0, 0, 0, 0, 0, 1};
  return address.bytes == kIpv6Loopback;
}

bool in_block(const Address& address, std::string_view cidr) {
  auto slash = cidr.find('/');
  auto network = parse_address(std::string(cidr.substr(0, slash)));
  if (!network || network->v4 != address.v4) return false;
  auto length = whole_number(cidr.substr(slash + 1));
  if (!length || *length > 128) return false;
  unsigned bits = *length + (network->v4 ? 96 : 0);
  if (bits > 128) return false;
  for (unsigned i = 0; i < bits; ++i) {
    const unsigned mask = 0x80u >> (i % 8);
    if ((address.bytes[i / 8] & mask) != (network->bytes[i / 8] & mask)) return false;
  }
  return true;
}

// One NO_PROXY entry against the server's host (lower case) and port.
bool entry_matches(std::string_view entry, const std::string& host,
                   const std::optional<Address>& address, std::uint16_t port) {
  if (entry == "*") return true;
  if (entry.find('/') != std::string_view::npos) return address && in_block(*address, entry);
  // "host:port" / "[v6]:port": the entry applies to that port only.
  std::string_view name = entry;
  if (!name.empty() && name.front() == '[') {
    auto close = name.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view after = name.substr(close + 1);
    name = name.substr(1, close - 1);
    if (!after.empty()) {
      if (after.front() != ':' || whole_number(after.substr(1)) != port) return false;
    }
  } else if (auto colon = name.rfind(':');
             colon != std::string_view::npos && name.find(':') == colon) {
    if (whole_number(name.substr(colon + 1)) != port) return false;
    name = name.substr(0, colon);
  }
  if (auto listed = parse_address(std::string(name)))
    return address && listed->bytes == address->bytes;
  if (name.starts_with("*.")) name.remove_prefix(1);
  if (name.starts_with(".")) return host.size() > name.size() && host.ends_with(name);
  return host == name || (host.size() > name.size() && host.ends_with(name) &&
                          host[host.size() - name.size() - 1] == '.');
}

}  // namespace

std::string process_environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string with_default_proxy_scheme(std::string_view value) {
  if (value.find("://") != std::string_view::npos) return std::string(value);
  return "http://" + std::string(value);
}

std::optional<EnvironmentProxy> proxy_from_environment(const HttpUrl& server,
                                                       const EnvironmentLookup& lookup) {
  EnvironmentProxy proxy;
  proxy.url = server.is_tls() ? first_set(lookup, "HTTPS_PROXY", "https_proxy", &proxy.variable)
                              : first_set(lookup, "HTTP_PROXY", "http_proxy", &proxy.variable);
  if (proxy.url.empty()) return std::nullopt;

  const std::string host = to_lower_ascii(server.host);
  const auto address = parse_address(host);
  if (host == "localhost" || (address && is_loopback(*address))) return std::nullopt;

  std::string no_proxy = to_lower_ascii(first_set(lookup, "NO_PROXY", "no_proxy", nullptr));
  std::string_view rest = no_proxy;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view entry = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (!entry.empty() && entry_matches(entry, host, address, server.port)) return std::nullopt;
  }
  proxy.url = with_default_proxy_scheme(trim(proxy.url));
  return proxy;
}

}  // namespace orka::core
