// The streaming commands' (logs, exec, pf) use of orka/command_args.hpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <cxxopts.hpp>

#include "orka/command_args.hpp"

namespace orka::streaming {

// The streaming commands' hint points at their --help.
inline Result<cxxopts::ParseResult> parse_args(cxxopts::Options& options,
                                               const std::vector<std::string>& args) {
  return parse_command_args(options, args, "see `orka ops " + options.program() + " --help`");
}

inline std::vector<std::string> all_values(const cxxopts::ParseResult& result,
                                           std::string_view long_name) {
  return all_flag_values(result, long_name);
}

}  // namespace orka::streaming
