#include "log_lines.hpp"

#include <chrono>

#include <fmt/format.h>

namespace orka::streaming {
namespace {

bool digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::optional<LogTime> parse_log_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  int year, month, day, hour, minute, second;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
      text[13] != ':' || text[16] != ':')
    return std::nullopt;
  if (!digits(text, 0, 4, year) || !digits(text, 5, 2, month) || !digits(text, 8, 2, day) ||
      !digits(text, 11, 2, hour) || !digits(text, 14, 2, minute) || !digits(text, 17, 2, second))
    return std::nullopt;
  std::size_t at = 19;
  std::int32_t nanos = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int count = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (count < 9) {
        nanos = nanos * 10 + (text[at] - '0');
        ++count;
      }
      ++at;
    }
    if (count == 0) return std::nullopt;
    for (; count < 9; ++count) nanos *= 10;
  }
  std::int64_t offset = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int oh, om;
    if (!digits(text, at + 1, 2, oh) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !digits(text, at + 4, 2, om))
      return std::nullopt;
    offset = (text[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return LogTime{days * 86400 + hour * 3600 + minute * 60 + second - offset, nanos};
}

std::string format_since_time(LogTime time) {
  const std::int64_t days = time.seconds >= 0 ? time.seconds / 86400 : (time.seconds - 86399) / 86400;
  const std::int64_t rest = time.seconds - days * 86400;
  const std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(days))};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     rest / 3600, (rest / 60) % 60, rest % 60);
}

TimestampedLine split_timestamp(std::string_view line) {
  const auto space = line.find(' ');
  const std::string_view head = line.substr(0, space);
  auto time = parse_log_time(head);
  if (!time) return {{}, std::nullopt, line};
  return {head, time, space == std::string_view::npos ? std::string_view() : line.substr(space + 1)};
}

bool ResumeState::accept(const std::optional<LogTime>& time) {
  if (!time) return !resuming_ || !last_;  // untimed lines cannot be placed; keep unless resuming
  if (resuming_) {
    if (*time < *last_) return false;
    if (*time == *last_ && repeats_to_skip_ > 0) {
      --repeats_to_skip_;
      return false;
    }
    resuming_ = false;  // the first genuinely new line ends the replayed part
  }
  if (last_ && *time == *last_) {
    ++lines_at_last_;
  } else if (!last_ || *time > *last_) {
    last_ = time;
    lines_at_last_ = 1;
  }
  return true;
}

void ResumeState::begin_resume() {
  if (!last_) return;
  resuming_ = true;
  repeats_to_skip_ = lines_at_last_;
}

}  // namespace orka::streaming
