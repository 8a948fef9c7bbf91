// When a failed request is tried again, and after how long: pure functions so the policy is
// unit-tested without a server. Internal to liborka.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace orka::core {

struct RetryPolicy {
  int max_retries = 3;
  std::chrono::milliseconds max_delay{10000};
  std::chrono::milliseconds base_delay{250};  // backoff when the server gave no Retry-After
};

// Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3); nullopt when absent or
// unparseable. A date in the past yields zero.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// What ended one attempt: an HTTP status, or (status 0) a connection failure before any
// response byte arrived.
struct AttemptResult {
  int status = 0;
  std::string_view retry_after;  // the header's value, empty when absent
};

// The delay before the next attempt, or nullopt when the request must not be retried, at most
// policy.max_retries times (`retries_done` counts the retries already made):
// - GET and HEAD (idempotent) on 429, 5xx other than 501/505, and connection failures before
//   a response;
// - every other method only on 429 or such a 5xx that carries Retry-After: with it the server
//   says it did not act on the request and asks for it again (client-go's rule; a PDB's 429
//   to an eviction has no Retry-After and is not retried here).
// Retry-After wins over the exponential backoff; both are capped at policy.max_delay.
std::optional<std::chrono::milliseconds> retry_delay(std::string_view method, int retries_done,
                                                     const AttemptResult& result,
                                                     const RetryPolicy& policy,
                                                     std::chrono::system_clock::time_point now);

}  // namespace orka::core
