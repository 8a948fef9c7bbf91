#include "host/command_table.hpp"

#include <algorithm>

namespace orka::core {

namespace {
bool is_valid_word(std::string_view word) {
  if (word.empty() || word.front() == '-') return false;
  return std::none_of(word.begin(), word.end(),
                      [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '='; });
}
}  // namespace

std::vector<std::string> command_words(const CommandSpec& spec) {
  std::vector<std::string> words{spec.name};
  words.insert(words.end(), spec.aliases.begin(), spec.aliases.end());
  return words;
}

std::optional<std::string> command_spec_problem(const CommandSpec& spec) {
  for (const auto& word : command_words(spec)) {
    if (!is_valid_word(word))
      return "command name \"" + word +
             "\" is not usable: names are non-empty, do not start with '-' and have no spaces "
             "or '='";
  }
  if (!spec.run) return "command \"" + spec.name + "\" has no run function";
  return std::nullopt;
}

const CommandSpec* CommandTable::find(std::string_view name_or_alias) const {
  for (const auto& spec : commands_)
    if (spec.name == name_or_alias) return &spec;
  for (const auto& spec : commands_)
    for (const auto& alias : spec.aliases)
      if (alias == name_or_alias) return &spec;
  return nullptr;
}

std::optional<std::string> CommandTable::conflict(const CommandSpec& spec) const {
  for (const auto& word : command_words(spec)) {
    for (std::size_t i = 0; i < commands_.size(); ++i) {
      const auto existing = command_words(commands_[i]);
      if (std::find(existing.begin(), existing.end(), word) != existing.end())
        return "command \"" + word + "\" is already registered by " + owners_[i];
    }
  }
  return std::nullopt;
}

void CommandTable::add(CommandSpec spec, std::string owner) {
  commands_.push_back(std::move(spec));
  owners_.push_back(std::move(owner));
}

}  // namespace orka::core
