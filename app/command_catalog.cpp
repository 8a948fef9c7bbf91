#include "command_catalog.hpp"

#include <algorithm>
#include <sstream>

#include "help_text.hpp"

namespace orka::cli {

namespace {

std::string first_word(const std::string& text) { return text.substr(0, text.find(' ')); }

}  // namespace

CommandDescription CommandCatalog::main() const {
  std::ostringstream help;
  print_main_help(help);
  return describe_command("orka", "fast imperative Kubernetes ops", help.str(), "orka");
}

std::vector<std::string> CommandCatalog::app_command_names() const {
  std::vector<std::string> names;
  for (const auto& section : main().page.sections)
    if (section.title == "commands")
      for (const auto& entry : section.entries) names.push_back(first_word(entry.head));
  names.push_back("help");
  return names;
}

std::optional<CommandDescription> CommandCatalog::app_command(std::string_view name) const {
  std::ostringstream help;
  if (name == "plugins") print_plugins_help(help);
  else if (name == "version") print_version_help(help);
  else if (name == "completion") print_completion_help(help);
  else if (name == "man") print_man_help(help);
  else if (name == "ops") print_ops_help(help, host_);
  else return std::nullopt;
  std::string summary;
  for (const auto& section : main().page.sections)
    for (const auto& entry : section.entries)
      if (first_word(entry.head) == name) summary = entry.description;
  return describe_command(std::string(name), summary, help.str(), name);
}

std::string CommandCatalog::ops_help() const {
  std::ostringstream help;
  print_ops_help(help, host_);
  return help.str();
}

std::vector<const CommandSpec*> CommandCatalog::ops() const {
  std::vector<const CommandSpec*> specs;
  for (const auto& spec : host_.commands()) specs.push_back(&spec);
  std::sort(specs.begin(), specs.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  return specs;
}

std::string CommandCatalog::op_help(const CommandSpec& spec, std::string_view invoked_as) const {
  std::ostringstream out, err;
  CommandContext context{host_.services(), host_.ops(),           std::string(invoked_as),
                         {"--help"},       out,          err,
                         CancelToken(),    false,        false};
  // A command's --help never reaches the cluster; one that fails or throws describes nothing.
  try {
    if (!spec.run || !spec.run(context)) return {};
  } catch (...) {
    return {};
  }
  return out.str();
}

std::optional<CommandDescription> CommandCatalog::op(std::string_view name_or_alias) const {
  const CommandSpec* spec = host_.find_command(name_or_alias);
  if (spec == nullptr) return std::nullopt;
  return describe_command(spec->name, spec->summary, op_help(*spec, name_or_alias), name_or_alias);
}

}  // namespace orka::cli
