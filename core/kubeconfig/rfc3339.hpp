// RFC 3339 timestamps, as in ExecCredential status.expirationTimestamp.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace orka::core {

// "2026-11-26T10:00:00Z", "2026-11-26T10:00:00.123456789+01:00"; nullopt when malformed. A
// time system_clock cannot hold (before 1677-09-22, after 2262-04-10) is the earliest or latest
// whole second it holds.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace orka::core
