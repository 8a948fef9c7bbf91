#include "log_lines.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "orka/timestamp.hpp"

namespace orka::streaming {

std::optional<LogTime> parse_log_time(std::string_view text) {
  // The kubelet writes "YYYY-MM-DDTHH:MM:SS.fffffffffZ"; a space cannot be part of it (the
  // text after the timestamp starts at the first one).
  if (text.size() < 20 || text.find(' ') != std::string_view::npos) return std::nullopt;
  auto time = parse_rfc3339(text);
  if (!time) return std::nullopt;
  const auto since_epoch =
      std::chrono::duration_cast<std::chrono::nanoseconds>(time->time_since_epoch());
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  return LogTime{seconds.count(), static_cast<std::int32_t>((since_epoch - seconds).count())};
}

std::string format_since_time(LogTime time) {
  return format_rfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(time.seconds)));
}

TimestampedLine split_timestamp(std::string_view line) {
  const auto space = line.find(' ');
  const std::string_view head = line.substr(0, space);
  auto time = parse_log_time(head);
  if (!time) return {{}, std::nullopt, line};
  return {head, time, space == std::string_view::npos ? std::string_view() : line.substr(space + 1)};
}

namespace {

// "YYYY-MM-DDT" of the UTC day `seconds` falls in.
std::string day_prefix(std::int64_t seconds) {
  const auto day = std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(seconds)));
  const std::chrono::year_month_day date(day);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

// The kubelet's own form of the timestamps it writes: RFC 3339 in UTC with exactly nine
// fraction digits ("2024-05-01T10:00:05.120000000Z"), nothing looser.
bool kubelet_stamp_form(std::string_view stamp) {
  constexpr std::string_view kDigits = "0123456789";
  return stamp.size() == 30 && stamp[19] == '.' && stamp.back() == 'Z' &&
         stamp.substr(20, 9).find_first_not_of(kDigits) == std::string_view::npos;
}

}  // namespace

std::optional<std::string> remove_part_stamps(std::string_view text, std::string_view first_stamp,
                                              LogTime first) {
  constexpr std::size_t kStamp = 30;  // "2024-05-01T10:00:05.123456789Z"
  constexpr std::size_t kDay = 11;           // "2024-05-01T"
  if (text.size() <= kStamp || !kubelet_stamp_form(first_stamp)) return std::nullopt;
  const LogTime latest{first.seconds + kMaxPartSpreadSeconds, first.nanos};
  // Inner stamps share the first's day (taken from its text: this runs for every line), or the
  // next day's when the line straddles midnight.
  std::string_view prefixes[2] = {first_stamp.substr(0, kDay), {}};
  std::string next_day;
  std::size_t prefix_count = 1;
  if (first.seconds / 86400 != latest.seconds / 86400) {
    next_day = day_prefix(latest.seconds);
    prefixes[prefix_count++] = next_day;
  }
  auto next_hit = [&](std::size_t from) {
    std::size_t best = std::string_view::npos;
    for (std::size_t i = 0; i < prefix_count; ++i) {
      const void* hit = from < text.size() ? memmem(text.data() + from, text.size() - from,
                                                    prefixes[i].data(), prefixes[i].size())
                                           : nullptr;
      if (hit != nullptr) best = std::min<std::size_t>(best, static_cast<const char*>(hit) - text.data());
    }
    return best;
  };
  std::optional<std::string> out;
  std::size_t copied = 0;  // text before this is in `out`
  LogTime previous = first;
  for (std::size_t at = next_hit(0); at != std::string_view::npos;) {
    if (at + kStamp < text.size() && text[at + kStamp] == ' ') {
      const std::string_view stamp = text.substr(at, kStamp);
      if (kubelet_stamp_form(stamp)) {
        const auto time = parse_log_time(stamp);
        if (time && *time >= previous && *time <= latest) {
          if (!out) out.emplace().reserve(text.size());
          out->append(text.substr(copied, at - copied));
          copied = at + kStamp + 1;
          previous = *time;
          at = next_hit(copied);
          continue;
        }
      }
    }
    at = next_hit(at + 1);
  }
  if (out) out->append(text.substr(copied));
  return out;
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
