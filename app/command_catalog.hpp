// Every command orka offers — its own (ops, plugins, version, completion, man) and every op the
// loaded plugins registered — each described by the page its --help prints. Completion and the
// man pages read commands only through this, so they say what --help says.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_description.hpp"
#include "orka/host.hpp"

namespace orka::cli {

class CommandCatalog {
 public:
  explicit CommandCatalog(Host& host) : host_(host) {}

  // `orka --help`: the global flags and the top-level commands.
  CommandDescription main() const;
  // The top-level command names `orka --help` lists, then `help`.
  std::vector<std::string> app_command_names() const;
  // One of orka's own commands ("plugins", "version", "completion", "man"); nullopt otherwise.
  std::optional<CommandDescription> app_command(std::string_view name) const;
  // `orka ops --help`.
  std::string ops_help() const;

  // The ops, sorted by name.
  std::vector<const CommandSpec*> ops() const;
  // An op's --help page exactly as `orka ops NAME --help` prints it (without the global note).
  std::string op_help(const CommandSpec& spec, std::string_view invoked_as) const;
  std::optional<CommandDescription> op(std::string_view name_or_alias) const;

 private:
  Host& host_;
};

}  // namespace orka::cli
