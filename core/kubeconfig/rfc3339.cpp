#include "kubeconfig/rfc3339.hpp"

#include <cctype>

namespace orka::core {
namespace {

// Reads exactly `width` digits at `pos`.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool at(std::string_view text, std::size_t pos, char expected) {
  return pos < text.size() && text[pos] == expected;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  const auto second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (!at(text, 4, '-') || !at(text, 7, '-') || !at(text, 13, ':') || !at(text, 16, ':'))
    return std::nullopt;
  if (!(at(text, 10, 'T') || at(text, 10, 't') || at(text, 10, ' '))) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60)
    return std::nullopt;

  std::size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (at(text, pos, '.')) {
    ++pos;
    long long nanos = 0;
    int count = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (count < 9) {
        nanos = nanos * 10 + (text[pos] - '0');
        ++count;
      }
      ++pos;
    }
    if (count == 0) return std::nullopt;
    for (; count < 9; ++count) nanos *= 10;
    fraction = std::chrono::nanoseconds(nanos);
  }

  int offset_seconds = 0;
  if (at(text, pos, 'Z') || at(text, pos, 'z')) {
    ++pos;
  } else if (at(text, pos, '+') || at(text, pos, '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    const auto offset_hours = digits(text, pos + 1, 2);
    const auto offset_minutes = digits(text, pos + 4, 2);
    if (!offset_hours || !offset_minutes || !at(text, pos + 3, ':')) return std::nullopt;
    offset_seconds = sign * (*offset_hours * 3600 + *offset_minutes * 60);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  // Civil-date arithmetic instead of timegm: no time zone state, and fast enough for every
  // line of a followed log (the logs op parses each line's timestamp here).
  const std::chrono::year_month_day date{std::chrono::year(*year),
                                         std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  const std::chrono::seconds seconds = std::chrono::sys_days(date).time_since_epoch() +
                                       std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
                                       std::chrono::seconds(*second - offset_seconds);
  // system_clock counts nanoseconds in 64 bits: 1677-09-21 to 2262-04-11. A time outside that
  // (an exec plugin's "9999-12-31T23:59:59Z" for "never expires") is the nearest second it
  // holds; converting it as is overflowed (UB, found by tests/fuzz/kubeconfig/rfc3339).
  using Clock = std::chrono::system_clock;
  constexpr auto latest = std::chrono::floor<std::chrono::seconds>(Clock::duration::max()) -
                          std::chrono::seconds(1);
  constexpr auto earliest = std::chrono::ceil<std::chrono::seconds>(Clock::duration::min()) +
                            std::chrono::seconds(1);
  // Whole seconds, one short of the ends, so callers can still split off the second and the
  // fraction (parse_log_time) without overflowing in turn.
  if (seconds > latest) return Clock::time_point(latest);
  if (seconds < earliest) return Clock::time_point(earliest);
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(seconds) +
                           std::chrono::duration_cast<Clock::duration>(fraction));
}

}  // namespace orka::core
