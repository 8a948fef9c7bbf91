// The flags every `orka` command accepts, anywhere on the line before `--`. They are removed
// before a command sees its arguments, so `orka ops logs web -n prod` and
// `orka -n prod ops logs web` mean the same thing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orka/error.hpp"

namespace orka::cli {

struct GlobalFlags {
  std::optional<std::string> kubeconfig;  // --kubeconfig FILE
  std::optional<std::string> context;     // --context NAME
  std::optional<std::string> namespace_;  // -n NS, -nNS, --namespace NS, --namespace=NS
  int verbosity = 0;                      // -v (1), -vv (2), repeated -v adds; --v=N sets
  std::vector<std::string> plugin_paths;  // --plugin-path DIR, repeatable, in order
  std::optional<std::string> cache_dir;   // --cache-dir DIR (discovery snapshots)
  std::optional<std::string> config;      // --config FILE (orka's settings; "" for none)
  std::optional<std::string> colour;      // --colour, --color auto|always|never
  bool help = false;                      // -h, --help
};

struct CommandLine {
  GlobalFlags flags;
  // The command words and their arguments with global flags removed; `--` and everything
  // after it are kept exactly as given.
  std::vector<std::string> words;
};

// `args` excludes argv[0]. Fails with a Usage error when a value flag has no value or a
// verbosity is not a number.
Result<CommandLine> parse_command_line(const std::vector<std::string>& args);

}  // namespace orka::cli
