#include <doctest/doctest.h>

#include <chrono>

#include "util/base64.hpp"
#include "kubeconfig/rfc3339.hpp"

using namespace orka::core;

TEST_CASE("base64 round-trips every tail length and tolerates wrapping") {
  for (const std::string text : {"", "a", "ab", "abc", "abcd", "hello world!\n\x01\xff"}) {
    const auto encoded = encode_base64(text);
    CHECK(encoded.size() % 4 == 0);
    auto decoded = decode_base64(encoded);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == text);
  }
  CHECK(encode_base64("abc") == "YWJj");
  CHECK(encode_base64("ab") == "YWI=");
  CHECK(decode_base64("YWJj\nZGVm\r\n").value() == "abcdef");
  CHECK(decode_base64("YWI").value() == "ab");  // padding optional
}

TEST_CASE("base64 rejects what is not base64") {
  CHECK_FALSE(decode_base64("not base64!").has_value());
  CHECK_FALSE(decode_base64("YWJ=j").has_value());  // data after padding
  CHECK_FALSE(decode_base64("Y").has_value());      // a lone symbol is no byte
  CHECK_FALSE(decode_base64("YW===").has_value());
}

TEST_CASE("RFC 3339 timestamps parse with zone and fraction") {
  using namespace std::chrono;
  const auto utc = parse_rfc3339("2026-11-26T10:00:00Z");
  REQUIRE(utc.has_value());
  CHECK(duration_cast<seconds>(utc->time_since_epoch()).count() == 1795687200);
  const auto offset = parse_rfc3339("2026-11-26T11:30:00+01:30");
  REQUIRE(offset.has_value());
  CHECK(*offset == *utc);
  const auto fraction = parse_rfc3339("2026-11-26T10:00:00.5Z");
  REQUIRE(fraction.has_value());
  CHECK(duration_cast<milliseconds>(*fraction - *utc).count() == 500);
  CHECK_FALSE(parse_rfc3339("2026-11-26 10:00").has_value());
  CHECK_FALSE(parse_rfc3339("2026-11-26T10:00:00").has_value());  // zone required
  CHECK_FALSE(parse_rfc3339("2026-13-26T10:00:00Z").has_value());
  CHECK_FALSE(parse_rfc3339("2026-11-26T10:00:00Zjunk").has_value());
}

// Found by tests/fuzz/kubeconfig/rfc3339 (UBSan: signed overflow in the nanosecond conversion).
// Without the clamp "9999-12-31T23:59:59Z", which exec plugins write for "never expires", wrapped
// round to a time in the past, and the credential counted as expired on every request.
TEST_CASE("RFC 3339 times beyond what system_clock holds are its latest and earliest second") {
  using Clock = std::chrono::system_clock;
  const auto latest = parse_rfc3339("9999-12-31T23:59:59Z");
  const auto earliest = parse_rfc3339("0001-01-01T00:00:00Z");
  REQUIRE(latest.has_value());
  REQUIRE(earliest.has_value());
  CHECK(*latest > *parse_rfc3339("2262-04-10T00:00:00Z"));
  CHECK(*latest > *parse_rfc3339("2026-11-26T10:00:00Z"));
  CHECK(Clock::time_point::max() - *latest < std::chrono::seconds(2));
  CHECK(parse_rfc3339("2262-04-12T00:00:00.999999999-23:59") == latest);
  CHECK(*earliest < *parse_rfc3339("1677-09-23T00:00:00Z"));
  CHECK(*earliest - Clock::time_point::min() < std::chrono::seconds(2));
  CHECK(parse_rfc3339("1677-09-20T00:00:00Z") == earliest);
  // Whole seconds: the second and the fraction can still be taken apart.
  CHECK(std::chrono::floor<std::chrono::seconds>(*latest) == *latest);
}
