// The `keepalive` field of the streaming ops' version 2 requests (exec, pf), read the same way
// from the command line (`--keepalive 10s`, `--keepalive 0`) and from a JSON request
// ({"keepalive": "10s"} or a number of seconds). Header-only.
#pragma once

#include <chrono>
#include <cmath>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "orka/duration.hpp"
#include "orka/error.hpp"
#include "orka/op.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// The help text of `--keepalive`, one for every command that has it.
inline constexpr std::string_view kKeepaliveFlagHelp =
    "ping the API server connection this often so idle proxies and load balancers do not cut it "
    "(default 5s; 0 turns it off); a connection that stops answering is reported as failed";

// `--keepalive TEXT`: a duration ("5s", "500ms", "1m"; a bare number is seconds), 0 for off.
inline Result<std::chrono::milliseconds> parse_keepalive(std::string_view text) {
  auto parsed = parse_duration(text, "--keepalive");
  if (!parsed) return parsed;
  if (parsed->count() < 0)
    return fail(ErrorKind::Usage, "--keepalive must not be negative", "0 turns keepalive off");
  return parsed;
}

// Takes "keepalive" out of a JSON request (the rest is version 1's request) into `out`; a field
// error when it is neither a duration string nor a non-negative number of seconds.
inline Result<void> take_keepalive_field(nlohmann::json& request, std::chrono::milliseconds& out) {
  if (!request.is_object() || !request.contains("keepalive")) return {};
  const nlohmann::json value = request["keepalive"];
  request.erase("keepalive");
  if (value.is_string()) {
    auto parsed = parse_duration(value.get<std::string>(), "keepalive");
    if (!parsed || parsed->count() < 0)
      return fail_field("keepalive", "must be a duration such as \"5s\" or \"500ms\" (0: off)");
    out = *parsed;
    return {};
  }
  if (value.is_number() && value.get<double>() >= 0 && std::isfinite(value.get<double>()) &&
      value.get<double>() <= 86400.0) {
    out = std::chrono::milliseconds(static_cast<std::int64_t>(value.get<double>() * 1000.0));
    return {};
  }
  return fail_field("keepalive", "must be a duration such as \"5s\", or seconds from 0 to 86400");
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
