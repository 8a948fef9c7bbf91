#include "log_lines.hpp"

#include <chrono>

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
