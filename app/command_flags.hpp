// The flags a command registers, as its own --help lists them: the one description every
// command has, third parties' included (CommandSpec carries no flag table, and the plugin ABI
// keeps it so). The config file's defaults are checked against this table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orka/command.hpp"
#include "orka/error.hpp"

namespace orka::cli {

struct CommandFlag {
  enum class Kind {
    Switch,         // --follow
    Value,          // --max-streams N
    OptionalValue,  // --wait[=ready]: a value only after '='
  };
  std::string long_name;     // without dashes; empty for a short-only flag
  std::optional<char> short_name;
  Kind kind = Kind::Switch;
};

// The flag lines of a cxxopts help page ("  -c, --container arg   ...",
// "      --wait [=arg(=ready)]  ..."); every other line is skipped.
std::vector<CommandFlag> parse_flag_table(std::string_view help);

// Runs the command with only --help (its output kept in memory) and reads the table.
Result<std::vector<CommandFlag>> command_flags(const CommandSpec& spec, Services& services,
                                               Ops& ops);

const CommandFlag* find_flag(const std::vector<CommandFlag>& table, std::string_view long_name);

}  // namespace orka::cli
