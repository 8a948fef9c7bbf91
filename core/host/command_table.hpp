// The `orka ops` commands in registration order, each with the plugin (or "host") that added
// it. Names and aliases share one namespace: the first to claim a word keeps it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orka/command.hpp"

namespace orka::core {

class CommandTable {
 public:
  const std::vector<CommandSpec>& commands() const { return commands_; }
  const CommandSpec* find(std::string_view name_or_alias) const;
  // Which owner already claims one of `spec`'s words, as a sentence fragment; nullopt if free.
  std::optional<std::string> conflict(const CommandSpec& spec) const;
  void add(CommandSpec spec, std::string owner);

 private:
  std::vector<CommandSpec> commands_;
  std::vector<std::string> owners_;
};

// The words (name, then aliases) a command answers to.
std::vector<std::string> command_words(const CommandSpec& spec);

// Checks what every command needs before it can be added: a name without spaces and a run
// function. Returns a complete sentence when something is wrong.
std::optional<std::string> command_spec_problem(const CommandSpec& spec);

}  // namespace orka::core
