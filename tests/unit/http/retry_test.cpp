#include <doctest/doctest.h>

#include <chrono>

#include "transport/http_retry.hpp"

using namespace orka::core;
using namespace std::chrono;

namespace {

// 2026-11-26 10:00:00 UTC
const system_clock::time_point kNow = sys_days(year(2026) / November / 26) + hours(10);

}  // namespace

TEST_CASE("parse_retry_after reads delta-seconds and HTTP dates") {
  CHECK(parse_retry_after("3", kNow) == milliseconds(3000));
  CHECK(parse_retry_after(" 0 ", kNow) == milliseconds(0));
  CHECK(parse_retry_after("Thu, 26 Nov 2026 10:00:07 GMT", kNow) == milliseconds(7000));
  CHECK(parse_retry_after("Thu, 26 Nov 2026 09:00:00 GMT", kNow) == milliseconds(0));
  CHECK(parse_retry_after("99999999999999999999", kNow) == milliseconds::max());
  CHECK_FALSE(parse_retry_after("", kNow));
  CHECK_FALSE(parse_retry_after("soon", kNow));
  CHECK_FALSE(parse_retry_after("3.5", kNow));
  CHECK_FALSE(parse_retry_after("-1", kNow));
  CHECK_FALSE(parse_retry_after("Thu, 31 Feb 2026 10:00:07 GMT", kNow));
  CHECK_FALSE(parse_retry_after("Thu, 26 Nov 2026 10:00:07 UTC", kNow));
}

TEST_CASE("retry_delay retries idempotent requests on 429, 5xx and connection failures") {
  RetryPolicy policy;
  policy.max_retries = 3;
  policy.max_delay = milliseconds(10000);
  policy.base_delay = milliseconds(100);

  CHECK(retry_delay("GET", 0, {429, "2"}, policy, kNow) == milliseconds(2000));
  CHECK(retry_delay("GET", 0, {503, ""}, policy, kNow) == milliseconds(100));
  CHECK(retry_delay("GET", 1, {503, ""}, policy, kNow) == milliseconds(200));
  CHECK(retry_delay("GET", 2, {502, ""}, policy, kNow) == milliseconds(400));
  CHECK(retry_delay("HEAD", 0, {0, ""}, policy, kNow) == milliseconds(100));
  CHECK(retry_delay("GET", 0, {500, ""}, policy, kNow));
  CHECK(retry_delay("GET", 0, {504, ""}, policy, kNow));

  SUBCASE("never past max_retries") { CHECK_FALSE(retry_delay("GET", 3, {503, "1"}, policy, kNow)); }
  SUBCASE("requests that change things only when the server asks for them again") {
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
      CAPTURE(method);
      // 429 or 5xx with Retry-After: the server did not act and says when to come back.
      CHECK(retry_delay(method, 0, {429, "1"}, policy, kNow) == milliseconds(1000));
      CHECK(retry_delay(method, 0, {503, "2"}, policy, kNow) == milliseconds(2000));
      // Without it the server may have acted (a 500 after the write), or it is a refusal that
      // asks nothing (a PodDisruptionBudget's 429 to an eviction).
      CHECK_FALSE(retry_delay(method, 0, {429, ""}, policy, kNow));
      CHECK_FALSE(retry_delay(method, 0, {500, ""}, policy, kNow));
      CHECK_FALSE(retry_delay(method, 0, {503, "soon"}, policy, kNow));
      // The connection broke after the request went out: it may have been applied.
      CHECK_FALSE(retry_delay(method, 0, {0, ""}, policy, kNow));
      CHECK_FALSE(retry_delay(method, 3, {429, "1"}, policy, kNow));
    }
  }
  SUBCASE("never for answers a retry cannot change") {
    for (int status : {200, 400, 401, 403, 404, 409, 422, 501, 505})
      CHECK_FALSE(retry_delay("GET", 0, {status, "1"}, policy, kNow));
  }
  SUBCASE("Retry-After and backoff are bounded by max_delay") {
    policy.max_delay = milliseconds(1500);
    CHECK(retry_delay("GET", 0, {429, "3600"}, policy, kNow) == milliseconds(1500));
    CHECK(retry_delay("GET", 0, {429, "99999999999999999999"}, policy, kNow) ==
          milliseconds(1500));
    policy.max_retries = 40;
    CHECK(retry_delay("GET", 30, {503, ""}, policy, kNow) == milliseconds(1500));
  }
}
