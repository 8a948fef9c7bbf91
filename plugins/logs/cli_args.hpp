// Runs cxxopts over a command's arguments and turns its exceptions into Usage errors.
// Header-only; shared by the streaming commands (logs, exec, pf).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <cxxopts.hpp>

#include "orka/error.hpp"

namespace orka::streaming {

inline Result<cxxopts::ParseResult> parse_args(cxxopts::Options& options,
                                               const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  argv.reserve(args.size() + 2);
  argv.push_back("orka");
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  try {
    return options.parse(static_cast<int>(argv.size() - 1), argv.data());
  } catch (const std::exception& e) {
    return fail(ErrorKind::Usage, e.what(), "see `orka ops " + options.program() + " --help`");
  }
}

// Every value given for a repeatable flag, in order, without cxxopts' comma splitting (a
// regular expression may contain commas).
inline std::vector<std::string> all_values(const cxxopts::ParseResult& result,
                                           std::string_view long_name) {
  std::vector<std::string> values;
  for (const auto& kv : result.arguments())
    if (kv.key() == long_name) values.push_back(kv.value());
  return values;
}

}  // namespace orka::streaming
