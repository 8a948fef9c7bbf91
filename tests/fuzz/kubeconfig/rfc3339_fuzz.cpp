// RFC 3339 timestamps from the server (deletionTimestamp, exec credential expiry, log lines):
// never a crash or an overflow; an accepted time prints in Kubernetes' form and reads back to
// the same second; one system_clock cannot hold is the nearest second it can.
#include <chrono>
#include <cstdint>

#include "fuzz_support.hpp"
#include "kubeconfig/rfc3339.hpp"
#include "orka/timestamp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = orka_fuzz::as_text(data, size);
  auto parsed = orka::core::parse_rfc3339(text);
  ORKA_FUZZ_CHECK(parsed == orka::parse_rfc3339(text));
  if (!parsed) return 0;
  // What system_clock cannot hold is its earliest or latest second, never a wrapped time.
  static const auto latest = *orka::parse_rfc3339("9999-12-31T23:59:59Z");
  static const auto earliest = *orka::parse_rfc3339("0001-01-01T00:00:00Z");
  ORKA_FUZZ_CHECK(*parsed <= latest && *parsed >= earliest);
  const std::string printed = orka::format_rfc3339(*parsed);
  ORKA_FUZZ_CHECK(printed.size() >= 20 && printed.back() == 'Z');
  auto again = orka::parse_rfc3339(printed);
  ORKA_FUZZ_CHECK(again);
  ORKA_FUZZ_CHECK(*again == std::chrono::floor<std::chrono::seconds>(*parsed));
  return 0;
}
