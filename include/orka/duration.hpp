// Go-style durations on the command line: "90s", "5m", "1h30m", "250ms"; a bare number is seconds.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "orka/error.hpp"
#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// Usage error naming the flag and the accepted forms when `text` is not a duration.
ORKA_API Result<std::chrono::milliseconds> parse_duration(std::string_view text,
                                                          std::string_view flag_name);
ORKA_API std::string format_duration(std::chrono::milliseconds duration);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
