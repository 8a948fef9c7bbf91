// orka's own settings file, $XDG_CONFIG_HOME/orka/config.yaml (else ~/.config/orka/config.yaml):
// defaults that the environment and the command line override (docs/imperative-ops.md,
// "Config file"). It knows no command's flags itself: `flags:` and `ops: NAME:` hold defaults by
// flag name, checked against what the command registers when it runs (flag_defaults.hpp).
//
//   colour: auto                # auto | always | never
//   contexts:
//     kind-orka: {namespace: team-a}
//   flags:                      # every command that has the flag
//     transport: websocket
//   ops:                        # one command (name or alias)
//     logs: {max-streams: 20, timestamps: true}
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orka/colour_choice.hpp"
#include "orka/error.hpp"

namespace orka::cli {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// A default for one flag and where it came from, for the messages that name it.
struct FlagDefault {
  std::string flag;                 // long name without dashes: "max-streams"
  std::vector<std::string> values;  // one per occurrence (a YAML list repeats the flag)
  bool is_bool = false;             // given as true/false (a switch's value)
  std::string origin;               // "FILE line 4 (ops.logs.max-streams)" or "ORKA_TRANSPORT"
};

struct ContextNamespace {
  std::string namespace_;
  std::string origin;
};

struct ConfigFile {
  std::string path;  // empty: no file was read
  std::optional<ColourChoice> colour;
  std::string colour_origin;
  std::map<std::string, ContextNamespace> namespaces;  // by kubeconfig context name
  std::vector<FlagDefault> all_commands;               // `flags:`
  // `ops:` by the name as written (a command name or alias; matched when the command runs).
  std::map<std::string, std::vector<FlagDefault>> by_command;
  std::map<std::string, std::string> command_origins;  // `ops: NAME:` → "FILE line N"
};

// Which file to read: --config, else ORKA_CONFIG, else the XDG default. `required` is false only
// for the default location (a missing default file means no settings); an empty --config or
// ORKA_CONFIG means no file at all.
struct ConfigLocation {
  std::optional<std::string> path;
  bool required = false;
  std::string chosen_by;  // "--config", "ORKA_CONFIG" or "default"
};
ConfigLocation locate_config_file(const std::optional<std::string>& flag, const EnvLookup& getenv);

// Reads and checks the file. A missing optional file is an empty ConfigFile; a missing required
// one, an unreadable one, bad YAML, an unknown key or a value of the wrong type is a Usage error
// naming the file, the line and the key.
Result<ConfigFile> load_config_file(const ConfigLocation& location);

// The same for text in memory; `path` names it in messages.
Result<ConfigFile> parse_config_text(const std::string& text, const std::string& path);

}  // namespace orka::cli
