#include "log_lines.hpp"

#include <chrono>
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

// The kubelet's own form of the timestamps it writes: RFC 3339 in UTC with exactly nine
// fraction digits ("2024-05-01T10:00:05.120000000Z"), nothing looser.
bool kubelet_stamp_form(std::string_view stamp) {
  if (stamp.size() != 30 || stamp[19] != '.' || stamp[29] != 'Z') return false;
  for (std::size_t i = 20; i < 29; ++i)
    if (stamp[i] < '0' || stamp[i] > '9') return false;
  return true;
}

}  // namespace

std::optional<std::string> remove_part_stamps(std::string_view text, std::string_view first_stamp,
                                              LogTime first) {
  constexpr std::size_t kStamp = 30;  // "2024-05-01T10:00:05.123456789Z"
  if (!kubelet_stamp_form(first_stamp)) return std::nullopt;
  const LogTime latest{first.seconds + kMaxPartSpreadSeconds, first.nanos};
  std::optional<std::string> out;
  std::size_t copied = 0;  // text before this is in `out`
  LogTime previous = first;
  // This runs for every line: it looks only where a 'Z' could end a stamp (one memchr over a
  // line without one), and parses only what has the stamp's exact shape there.
  for (std::size_t z = kStamp - 1; z + 1 < text.size(); ++z) {
    const void* hit = std::memchr(text.data() + z, 'Z', text.size() - 1 - z);
    if (hit == nullptr) break;
    z = static_cast<const char*>(hit) - text.data();
    const std::size_t at = z + 1 - kStamp;
    if (text[z + 1] != ' ' || !kubelet_stamp_form(text.substr(at, kStamp))) continue;
    const auto time = parse_log_time(text.substr(at, kStamp));
    if (!time || *time < previous || *time > latest) continue;
    if (!out) out.emplace().reserve(text.size());
    out->append(text.substr(copied, at - copied));
    copied = z + 2;
    previous = *time;
    z = copied + kStamp - 2;  // the next stamp ends kStamp - 1 past `copied` at the earliest
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
