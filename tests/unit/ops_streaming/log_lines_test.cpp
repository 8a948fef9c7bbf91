#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "log_lines.hpp"

using namespace orka::streaming;

namespace {
std::vector<std::string> split_all(const std::vector<std::string>& reads, LineSplitter& splitter) {
  std::vector<std::string> lines;
  for (const auto& r : reads) splitter.feed(r, [&](std::string_view line) { lines.emplace_back(line); });
  return lines;
}
}  // namespace

TEST_CASE("line splitter keeps a line that spans reads") {
  LineSplitter splitter;
  auto lines = split_all({"first\nsec", "ond part", "\nthird\n", "\n", "tail"}, splitter);
  CHECK(lines == std::vector<std::string>{"first", "second part", "third", ""});
  CHECK(splitter.has_partial());
  auto rest = splitter.take_partial();
  REQUIRE(rest);
  CHECK(*rest == "tail");
  CHECK_FALSE(splitter.take_partial());
}

TEST_CASE("line splitter: a newline as the first byte of a read ends the carried line") {
  LineSplitter splitter;
  auto lines = split_all({"abc", "\ndef\n"}, splitter);
  CHECK(lines == std::vector<std::string>{"abc", "def"});
  CHECK_FALSE(splitter.has_partial());
}

TEST_CASE("line splitter: discarding a partial line after a broken read") {
  LineSplitter splitter;
  auto lines = split_all({"one\ntw"}, splitter);
  splitter.discard_partial();
  auto more = split_all({"two\n"}, splitter);
  CHECK(lines == std::vector<std::string>{"one"});
  CHECK(more == std::vector<std::string>{"two"});
}

TEST_CASE("log times order by instant, not by text") {
  auto whole = parse_log_time("2024-05-01T10:00:05Z");
  auto tenth = parse_log_time("2024-05-01T10:00:05.1Z");
  auto nanos = parse_log_time("2024-05-01T10:00:05.123456789Z");
  REQUIRE(whole);
  REQUIRE(tenth);
  REQUIRE(nanos);
  CHECK(*whole < *tenth);
  CHECK(*nanos > *tenth);
  CHECK(tenth->nanos == 100000000);
  CHECK(nanos->nanos == 123456789);
  CHECK(whole->seconds == 1714557605);
  auto offset = parse_log_time("2024-05-01T12:00:05+02:00");
  REQUIRE(offset);
  CHECK(offset->seconds == whole->seconds);
  CHECK_FALSE(parse_log_time("2024-05-01 10:00:05Z"));
  CHECK_FALSE(parse_log_time("not a time at all, really"));
  CHECK_FALSE(parse_log_time("2024-13-01T10:00:05Z"));
}

TEST_CASE("since time for a resume is the second of the last line") {
  auto t = parse_log_time("2024-05-01T10:00:05.999Z");
  REQUIRE(t);
  CHECK(format_since_time(*t) == "2024-05-01T10:00:05Z");
  CHECK(format_since_time(orka::streaming::LogTime{0, 0}) == "1970-01-01T00:00:00Z");
}

TEST_CASE("timestamp split") {
  auto line = split_timestamp("2024-05-01T10:00:05.5Z hello world");
  CHECK(line.timestamp == "2024-05-01T10:00:05.5Z");
  CHECK(line.text == "hello world");
  REQUIRE(line.time);
  auto empty = split_timestamp("2024-05-01T10:00:05.5Z");
  CHECK(empty.text.empty());
  CHECK(empty.time);
  auto plain = split_timestamp("no timestamp here");
  CHECK(plain.timestamp.empty());
  CHECK(plain.text == "no timestamp here");
  CHECK_FALSE(plain.time);
}

TEST_CASE("resume skips exactly the lines already seen, including equal timestamps") {
  ResumeState state;
  auto t1 = parse_log_time("2024-05-01T10:00:01Z");
  auto t2 = parse_log_time("2024-05-01T10:00:02.5Z");
  auto t3 = parse_log_time("2024-05-01T10:00:03Z");
  // First connection: t1, t2, t2 (two lines share a timestamp), then the connection breaks.
  CHECK(state.accept(t1));
  CHECK(state.accept(t2));
  CHECK(state.accept(t2));
  CHECK(state.lines_at_last() == 2);
  state.begin_resume();
  // The resumed request (sinceTime = the second of t2) repeats t2 twice, then sends a third
  // line at t2 that was never seen, then new lines.
  CHECK_FALSE(state.accept(t2));
  CHECK_FALSE(state.accept(t2));
  CHECK(state.accept(t2));
  CHECK(state.accept(t3));
  CHECK(state.lines_at_last() == 1);
}

TEST_CASE("resume skips older lines that the second-precision sinceTime repeats") {
  ResumeState state;
  auto early = parse_log_time("2024-05-01T10:00:02.1Z");
  auto last = parse_log_time("2024-05-01T10:00:02.7Z");
  auto later = parse_log_time("2024-05-01T10:00:02.9Z");
  CHECK(state.accept(early));
  CHECK(state.accept(last));
  state.begin_resume();
  CHECK_FALSE(state.accept(early));
  CHECK_FALSE(state.accept(last));
  CHECK(state.accept(later));
  // Once resumed, an equal timestamp is a new line again.
  CHECK(state.accept(later));
}

TEST_CASE("resume before any line was seen skips nothing") {
  ResumeState state;
  state.begin_resume();
  CHECK(state.accept(parse_log_time("2024-05-01T10:00:01Z")));
  CHECK(state.accept(std::nullopt));
}

TEST_CASE("line splitter: a line without a newline is split at 1 MiB with a marker") {
  constexpr std::size_t limit = std::size_t{1} << 20;
  constexpr std::string_view marker = " [orka: line longer than 1 MiB, split here]";
  LineSplitter splitter;
  std::vector<std::size_t> sizes;
  std::size_t marked = 0;
  auto collect = [&](std::string_view line) {
    sizes.push_back(line.size());
    if (line.ends_with(marker)) ++marked;
  };
  SUBCASE("across many reads: 3 MiB, then a newline") {
    const std::string read(64 * 1024, 'a');
    for (int i = 0; i < 48; ++i) splitter.feed(read, collect);
    splitter.feed("\nnext\n", collect);
    CHECK(sizes == std::vector<std::size_t>{limit + marker.size(), limit + marker.size(), limit, 4});
    CHECK(marked == 2);
  }
  SUBCASE("inside one read: 2.5 MiB and its newline") {
    std::string read(limit * 5 / 2, 'b');
    read += "\n";
    splitter.feed(read, collect);
    CHECK(sizes == std::vector<std::size_t>{limit + marker.size(), limit + marker.size(), limit / 2});
    CHECK(marked == 2);
  }
  SUBCASE("a stream that never sends a newline is handed out, not held") {
    const std::string read(256 * 1024, 'c');
    for (int i = 0; i < 40; ++i) splitter.feed(read, collect);  // 10 MiB
    CHECK(marked == 9);
    auto rest = splitter.take_partial();  // the last MiB may still end in a newline
    REQUIRE(rest.has_value());
    CHECK(rest->size() == limit);
  }
}

TEST_CASE("a line the runtime wrote in parts: the kubelet's inner timestamps are removed") {
  const std::string_view stamp = "2024-05-01T10:00:05.123456789Z";
  const LogTime first = *parse_log_time(stamp);
  const std::string part(16384, 'a');
  // containerd's 16 KiB parts, each after its own stamp (nine digits, zeros kept), as the
  // kubelet joins them.
  auto joined = remove_part_stamps(part + "2024-05-01T10:00:05.123456800Z " + part +
                                       "2024-05-01T10:00:05.200000000Z tail", stamp, first);
  REQUIRE(joined);
  CHECK(*joined == part + part + "tail");
  // CRI-O's parts end where its reads end: short ones too.
  CHECK(remove_part_stamps("ab2024-05-01T10:00:06.000000000Z cd", stamp, first) == "abcd");
  // Across midnight the inner stamp has the next day's date.
  const std::string_view late_stamp = "2024-05-01T23:59:59.900000000Z";
  CHECK(remove_part_stamps("ab2024-05-02T00:00:00.010000000Z cd", late_stamp, *parse_log_time(late_stamp)) == "abcd");
}

TEST_CASE("inner timestamps: what the application wrote stays") {
  const std::string_view stamp = "2024-05-01T10:00:05.500000000Z";
  const LogTime first = *parse_log_time(stamp);
  // No stamp at all: nothing copied.
  CHECK_FALSE(remove_part_stamps("GET /healthz 200", stamp, first));
  // The application's own times: earlier than the runtime read the line, later than the
  // spread, or not in the kubelet's exact form (offset, other digit counts, no space after).
  for (const char* line : {"took 2024-05-01T10:00:05.400000000Z to start",
                           "deadline 2024-05-01T10:00:16.000000000Z ok",
                           "at 2024-05-01T12:00:06.000000000+02:00 ok", "at 2024-05-01T10:00:06.1Z ok",
                           "at 2024-05-01T10:00:06Z ok", "at 2024-05-01T10:00:06.000000000Z,ok",
                           "at 2024-05-01T10:00:06.1234567890Z ten digits"}) {
    CAPTURE(line);
    CHECK_FALSE(remove_part_stamps(line, stamp, first));
  }
  // Parts come in order: a stamp earlier than the part before it is text.
  CHECK(remove_part_stamps("a2024-05-01T10:00:07.000000000Z b2024-05-01T10:00:06.000000000Z c", stamp, first) ==
        "ab2024-05-01T10:00:06.000000000Z c");
}
