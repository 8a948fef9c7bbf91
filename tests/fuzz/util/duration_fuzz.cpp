// Go-style durations from the command line (--timeout, --since, --grace-period...): never a
// crash; an accepted duration is not negative, stays under the documented bound, and its
// printed form reads back to within the rounding format_duration does.
#include <cstdint>
#include <cstdlib>

#include "fuzz_support.hpp"
#include "orka/duration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = orka_fuzz::as_text(data, size);
  auto parsed = orka::parse_duration(text, "--timeout");
  if (!parsed) {
    ORKA_FUZZ_CHECK(parsed.error().kind == orka::ErrorKind::Usage);
    return 0;
  }
  ORKA_FUZZ_CHECK(parsed->count() >= 0);
  ORKA_FUZZ_CHECK(parsed->count() <= 100LL * 365 * 24 * 3600 * 1000);  // a century
  const std::string printed = orka::format_duration(*parsed);
  auto again = orka::parse_duration(printed, "--timeout");
  ORKA_FUZZ_CHECK(again);
  // format_duration rounds to a tenth of a second under a minute, drops milliseconds under an
  // hour and seconds above.
  const long long tolerance = parsed->count() < 60'000 ? 50 : parsed->count() < 3'600'000 ? 1000 : 60'000;
  ORKA_FUZZ_CHECK(std::llabs(again->count() - parsed->count()) <= tolerance);
  return 0;
}
