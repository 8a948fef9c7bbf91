// The per-stream hot path of logs: bytes → whole lines → (timestamp, text), and the resume
// bookkeeping that makes a reconnected stream continue exactly after the last line seen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace orka::streaming {

// Cuts a byte stream into lines. A line split across reads is carried over (one copy, only for
// that partial line); whole lines inside a read are handed out as views into the read buffer.
// A line longer than kMaxLineBytes is handed out in pieces of that size, each but the last
// ending in kSplitMarker: a container that writes without newlines (a binary dump, a hostile
// image) must not make orka hold its output whole.
class LineSplitter {
 public:
  // The runtimes cut lines at 16 KiB in their log files and the kubelet joins them again, so
  // long lines do reach us; 1 MiB is 64 such parts, longer than any log line meant for
  // reading, and what one stream may hold in memory.
  static constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;
  static constexpr std::string_view kSplitMarker = " [orka: line longer than 1 MiB, split here]";

  // Calls `on_line(std::string_view)` for each complete line in `bytes` (without '\n').
  template <class OnLine>
  void feed(std::string_view bytes, OnLine&& on_line) {
    const char* data = bytes.data();
    const char* end = data + bytes.size();
    if (!carry_.empty()) {
      const char* newline = static_cast<const char*>(std::memchr(data, '\n', end - data));
      const char* stop = newline == nullptr ? end : newline;
      while (carry_.size() + static_cast<std::size_t>(stop - data) > kMaxLineBytes) {
        const std::size_t room = kMaxLineBytes - carry_.size();
        carry_.append(data, room);
        data += room;
        emit_piece(on_line);
      }
      carry_.append(data, stop);
      if (newline == nullptr) return;
      on_line(std::string_view(carry_));
      carry_.clear();
      data = newline + 1;
    }
    while (data < end) {
      const char* newline = static_cast<const char*>(std::memchr(data, '\n', end - data));
      const char* stop = newline == nullptr ? end : newline;
      while (static_cast<std::size_t>(stop - data) > kMaxLineBytes) {
        carry_.assign(data, kMaxLineBytes);
        data += kMaxLineBytes;
        emit_piece(on_line);
      }
      if (newline == nullptr) {
        carry_.assign(data, end);
        return;
      }
      on_line(std::string_view(data, newline - data));
      data = newline + 1;
    }
  }

  // The unterminated last line, if any (the stream ended without a final newline).
  std::optional<std::string> take_partial() {
    if (carry_.empty()) return std::nullopt;
    std::string out = std::move(carry_);
    carry_.clear();
    return out;
  }

  // Forgets a partial line (the connection broke; the resumed stream sends it again).
  void discard_partial() { carry_.clear(); }
  bool has_partial() const { return !carry_.empty(); }
  std::size_t partial_size() const { return carry_.size(); }

 private:
  // Hands out the kMaxLineBytes held in carry_ as a piece of a longer line.
  template <class OnLine>
  void emit_piece(OnLine& on_line) {
    carry_ += kSplitMarker;
    on_line(std::string_view(carry_));
    carry_.clear();
  }

  std::string carry_;
};

// A point in time as the kubelet writes it (RFC 3339 with up to 9 fractional digits).
// Ordered; comparing the strings would be wrong ("…05Z" vs "…05.1Z").
struct LogTime {
  std::int64_t seconds = 0;  // since the Unix epoch
  std::int32_t nanos = 0;
  auto operator<=>(const LogTime&) const = default;
};

std::optional<LogTime> parse_log_time(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ": the second a resumed request asks for (the server's sinceTime has
// second precision, so the resumed stream repeats the lines of that second; see ResumeState).
std::string format_since_time(LogTime time);

struct TimestampedLine {
  std::string_view timestamp;  // empty when the line carried none
  std::optional<LogTime> time;
  std::string_view text;
};

// Splits "2024-05-01T10:00:00.123456789Z text" into its timestamp and text.
TimestampedLine split_timestamp(std::string_view line);

// The kubelet's log of a line the runtime wrote in parts (containerd cuts lines at 16 KiB, CRI-O
// where its reads end; all but the last part marked partial) is the parts joined, each after a
// timestamp of its own when timestamps are asked for, as orka always does (to resume). Finds
// those inner timestamps — the kubelet's exact form (RFC 3339 in UTC with "Z" and exactly nine
// fraction digits) followed by a space, no earlier than the part before and at
// most kMaxPartSpreadSeconds after the line's own (`first_stamp`, parsed: `first`) — and returns
// `text` without them; nullopt when there are none (the common case: no copy). A timestamp the
// application itself wrote inside a line is earlier than the runtime's reading of it, so it stays.
inline constexpr std::int64_t kMaxPartSpreadSeconds = 10;
std::optional<std::string> remove_part_stamps(std::string_view text, std::string_view first_stamp,
                                              LogTime first);

// What a stream has seen, so a reconnect can skip what was already delivered: the newest
// timestamp and how many lines carried exactly it.
class ResumeState {
 public:
  // Call for every line received (delivered or filtered). Returns false when the line is a
  // repeat sent by a resumed request and must be skipped.
  bool accept(const std::optional<LogTime>& time);

  // Call when reconnecting: lines at or before the last time are repeats until proven new.
  void begin_resume();

  const std::optional<LogTime>& last() const { return last_; }
  std::uint64_t lines_at_last() const { return lines_at_last_; }

 private:
  std::optional<LogTime> last_;
  std::uint64_t lines_at_last_ = 0;
  bool resuming_ = false;
  std::uint64_t repeats_to_skip_ = 0;  // lines at `last_` the resumed stream still owes us
};

}  // namespace orka::streaming
