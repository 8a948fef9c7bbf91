// The structured-log flags of `orka ops logs` (--json-field, -o/--output) and how they become
// the logs op's version 2 options (orka/ops/logs_v2.hpp).
#pragma once

#include <string_view>

#include <cxxopts.hpp>

#include "orka/error.hpp"
#include "orka/ops/logs_v2.hpp"

namespace orka::streaming {

void add_structured_flags(cxxopts::OptionAdder add);

// The flag that sets a field of StructuredLogOptions ("" for another field).
std::string_view structured_flag_for(std::string_view field);

// --json-field (repeatable) and --output into `structured`; `-o json` sets `json` (as --json
// does). A usage error for an --output that is not raw, json or template=TEXT.
Result<void> read_structured_flags(const cxxopts::ParseResult& flags,
                                   StructuredLogOptions& structured, bool& json);

}  // namespace orka::streaming
