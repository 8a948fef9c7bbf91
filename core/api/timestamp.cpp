// Public RFC 3339 helpers; parsing is the kubeconfig room's parser (exec credential expiry).
#include "orka/timestamp.hpp"

#include <ctime>

#include <fmt/format.h>

#include "kubeconfig/rfc3339.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

std::string format_rfc3339(std::chrono::system_clock::time_point time) {
  // to_time_t truncates towards zero: before 1970 a fraction would round up to the next second.
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(time));
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", parts.tm_year + 1900,
                     parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  return core::parse_rfc3339(text);
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
