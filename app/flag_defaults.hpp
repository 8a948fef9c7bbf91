// A command's flag defaults from the environment and the config file, put in front of the
// arguments the user typed — only for flags the user did not give — so that the command's own
// parser reads and checks them like typed ones. Precedence: command line > environment > the
// file's `ops: NAME:` > the file's `flags:`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "command_flags.hpp"
#include "config_file.hpp"
#include "orka/error.hpp"

namespace orka::cli {

// The environment variables that stand for a command flag (each applies to every command that
// registers the flag): ORKA_TRANSPORT, ORKA_MAX_STREAMS, ORKA_KEEPALIVE.
struct FlagVariable {
  std::string_view variable;
  std::string_view flag;
};
const std::vector<FlagVariable>& flag_variables();

struct DefaultedArgs {
  std::vector<std::string> args;      // the defaults, then the user's words unchanged
  std::vector<FlagDefault> applied;   // what was put in, with where each came from
  std::vector<std::string> notes;     // defaults not applied and why (shown at -v)
};

// `names`: the command's name and aliases (the `ops:` keys that select it). A file default for a
// flag the command does not register, or a switch given a value other than true/false, is a
// Usage error naming the file, line and key; a `flags:` or environment default the command does
// not register only gives a note.
Result<DefaultedArgs> apply_flag_defaults(const std::vector<std::string>& names,
                                          const std::vector<CommandFlag>& table,
                                          const std::vector<std::string>& user_args,
                                          const ConfigFile& config, const EnvLookup& getenv);

// Whether any default could apply (so the flag table is worth reading).
bool has_flag_defaults(const std::vector<std::string>& names, const ConfigFile& config,
                       const EnvLookup& getenv);

// A usage error about a flag that a default set, said with where the default came from.
Error attribute_to_default(Error error, const std::vector<FlagDefault>& applied);

}  // namespace orka::cli
