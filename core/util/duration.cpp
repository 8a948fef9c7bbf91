#include "orka/duration.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view flag) {
  auto usage = [&] {
    return fail(ErrorKind::Usage,
                fmt::format("invalid duration \"{}\" for {}", text, flag),
                "use a number of seconds or Go-style units: 30s, 5m, 1h30m, 250ms");
  };
  // Callers add a duration to a steady_clock time, which counts nanoseconds in 64 bits (292
  // years): anything longer overflowed there (UB; 999999999999 seconds was accepted, found by
  // tests/fuzz/util/duration). A century is longer than any wait anyone means.
  constexpr double kMaxMilliseconds = 100.0 * 365 * 24 * 3600 * 1000;
  auto too_long = [&] {
    return fail(ErrorKind::Usage, fmt::format("duration \"{}\" for {} is longer than 100 years", text, flag),
                "use a shorter duration, e.g. 30s, 5m or 24h");
  };
  if (text.empty()) return usage();
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  if (all_digits) {
    if (text.size() > 12) return too_long();
    const long long seconds = std::stoll(std::string(text));
    if (seconds * 1000.0 > kMaxMilliseconds) return too_long();
    return std::chrono::milliseconds(seconds * 1000);
  }
  double total_ms = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    std::string_view number = text.substr(start, i - start);
    // Go's rules: at least one digit and at most one decimal point ("1.5", ".5", "5.").
    auto dots = std::count(number.begin(), number.end(), '.');
    if (number.size() == static_cast<std::size_t>(dots) || dots > 1) return usage();
    double value = std::strtod(std::string(number).c_str(), nullptr);
    std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60'000;
    else if (unit == "h") scale = 3'600'000;
    else return usage();
    total_ms += value * scale;
  }
  if (total_ms > kMaxMilliseconds) return too_long();
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(total_ms)));
}

std::string format_duration(std::chrono::milliseconds duration) {
  auto ms = duration.count();
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms % 1000 != 0 && ms < 60'000) return fmt::format("{:.1f}s", ms / 1000.0);
  auto s = ms / 1000;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return s % 60 ? fmt::format("{}m{}s", s / 60, s % 60) : fmt::format("{}m", s / 60);
  auto m = s / 60;
  return m % 60 ? fmt::format("{}h{}m", m / 60, m % 60) : fmt::format("{}h", m / 60);
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
