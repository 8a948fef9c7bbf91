// Go-style durations for flags.
#include <doctest/doctest.h>

#include "orka/duration.hpp"

using namespace orka;
using std::chrono::milliseconds;

TEST_CASE("parse_duration accepts seconds and Go-style units") {
  struct Case {
    const char* text;
    long long ms;
  };
  for (auto c : {Case{"0", 0}, Case{"30", 30'000}, Case{"90s", 90'000}, Case{"5m", 300'000},
                 Case{"1h30m", 5'400'000}, Case{"250ms", 250}, Case{"1.5s", 1500},
                 Case{"2h", 7'200'000}, Case{"1m30s", 90'000}, Case{"0.5m", 30'000},
                 Case{".5s", 500}}) {
    std::string shown = c.text;
    CAPTURE(shown);
    auto parsed = parse_duration(c.text, "--timeout");
    REQUIRE(parsed.has_value());
    CHECK(parsed->count() == c.ms);
  }
}

TEST_CASE("parse_duration rejects what is not a duration, naming the flag") {
  for (const char* text : {"", "abc", "5x", "-5s", "s", "1h 30m", "5 s", "1d", ".", "..5s",
                           "1e3s", "9999999999999999"}) {
    std::string shown = text;
    CAPTURE(shown);
    auto parsed = parse_duration(text, "--timeout");
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().kind == ErrorKind::Usage);
    CHECK(parsed.error().message.find("--timeout") != std::string::npos);
    CHECK_FALSE(parsed.error().hint.empty());
  }
}

TEST_CASE("format_duration is short and readable") {
  CHECK(format_duration(milliseconds(250)) == "250ms");
  CHECK(format_duration(milliseconds(1500)) == "1.5s");
  CHECK(format_duration(milliseconds(45'000)) == "45s");
  CHECK(format_duration(milliseconds(90'000)) == "1m30s");
  CHECK(format_duration(milliseconds(300'000)) == "5m");
  CHECK(format_duration(milliseconds(5'400'000)) == "1h30m");
  CHECK(format_duration(milliseconds(7'200'000)) == "2h");
}

TEST_CASE("format and parse agree") {
  for (long long ms : {250LL, 1500LL, 45'000LL, 90'000LL, 300'000LL, 5'400'000LL}) {
    auto text = format_duration(milliseconds(ms));
    auto back = parse_duration(text, "--x");
    REQUIRE(back.has_value());
    CHECK(back->count() == ms);
  }
}

// Found by tests/fuzz/util/duration: 999999999999 (seconds) and 2777777h were accepted, and a
// caller adding them to steady_clock::now() overflowed its 64-bit nanoseconds (UB: drain's
// deadline landed in the past).
TEST_CASE("parse_duration refuses more than a century in either form, saying so") {
  for (const char* text : {"999999999999", "3153600001", "876001h", "2777777h", "52560001m"}) {
    std::string shown = text;
    CAPTURE(shown);
    auto parsed = parse_duration(text, "--timeout");
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().kind == ErrorKind::Usage);
    CHECK(parsed.error().message.find("longer than 100 years") != std::string::npos);
  }
  CHECK(parse_duration("3153600000", "--timeout").value().count() == 3'153'600'000'000);
  CHECK(parse_duration("876000h", "--timeout").has_value());
}
