// A followed log as the kubelet streams it: bytes cut into lines, each line's RFC 3339 timestamp
// split off, the kubelet's stamps inside a line the runtime wrote in parts taken out, and the
// resume bookkeeping that skips what a reconnect sends again. The same lines however the bytes
// arrive; a timestamp only when the line starts with one; only whole stamps taken out; a replay
// of everything after a reconnect delivers nothing twice.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "log_lines.hpp"

using namespace orka::streaming;

namespace {

std::vector<std::string> lines_of(const std::vector<std::string_view>& pieces) {
  LineSplitter splitter;
  std::vector<std::string> lines;
  for (std::string_view piece : pieces)
    splitter.feed(piece, [&](std::string_view line) {
      ORKA_FUZZ_CHECK(line.find('\n') == std::string_view::npos);
      lines.emplace_back(line);
    });
  if (auto partial = splitter.take_partial()) lines.push_back(std::move(*partial));
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = orka_fuzz::as_text(data, size);
  const std::vector<std::string> lines = lines_of({bytes});
  ORKA_FUZZ_CHECK(lines == lines_of(orka_fuzz::pieces_of(bytes, orka_fuzz::cuts_from(bytes))));

  ResumeState first;
  std::size_t delivered = 0;
  std::vector<std::optional<LogTime>> times;
  for (const std::string& line : lines) {
    const TimestampedLine split = split_timestamp(line);
    ORKA_FUZZ_CHECK(split.time.has_value() == !split.timestamp.empty());
    if (split.time) {
      ORKA_FUZZ_CHECK(line.starts_with(split.timestamp));
      ORKA_FUZZ_CHECK(split.time->nanos >= 0 && split.time->nanos < 1'000'000'000);
      ORKA_FUZZ_CHECK(!format_since_time(*split.time).empty());
      // Removing the parts' stamps only ever takes out whole "stamp " pieces: shorter by a
      // multiple of 31 bytes, and what is left is the text's bytes in order.
      if (auto joined = remove_part_stamps(split.text, split.timestamp, *split.time)) {
        ORKA_FUZZ_CHECK(joined->size() < split.text.size());
        ORKA_FUZZ_CHECK((split.text.size() - joined->size()) % 31 == 0);
        std::size_t at = 0;
        for (char c : *joined) {
          at = split.text.find(c, at);
          ORKA_FUZZ_CHECK(at != std::string_view::npos);
          ++at;
        }
      }
    } else {
      ORKA_FUZZ_CHECK(split.text == line);
    }
    times.push_back(split.time);
    if (first.accept(split.time)) ++delivered;
  }
  ORKA_FUZZ_CHECK(delivered == lines.size());  // nothing is skipped before a reconnect

  // The server replays the whole stream after a reconnect (sinceTime of the last second seen,
  // or the whole log): once a timestamp was seen, nothing of the replay comes out again.
  const bool placed = first.last().has_value();
  first.begin_resume();
  std::size_t again = 0;
  for (const auto& time : times)
    if (first.accept(time)) ++again;
  if (placed) ORKA_FUZZ_CHECK(again == 0);
  return 0;
}
