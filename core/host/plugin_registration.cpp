#include "host/plugin_registration.hpp"

#include <algorithm>

namespace orka::core {

PluginRegistration::PluginRegistration(Services& services, const CommandTable& commands,
                                       const OpRegistry& ops, std::string owner)
    : services_(services),
      committed_commands_(commands),
      committed_ops_(ops),
      owner_(std::move(owner)) {}

Result<void> PluginRegistration::do_add_command(CommandSpec spec) {
  if (auto problem = command_spec_problem(spec)) return fail(ErrorKind::Invalid, *problem);
  auto clash = committed_commands_.conflict(spec);
  if (!clash) clash = staged_commands_.conflict(spec);
  if (clash) {
    if (!name_conflict_) name_conflict_ = *clash;
    return fail(ErrorKind::Conflict, *clash);
  }
  staged_commands_.add(std::move(spec), owner_);
  return {};
}

Result<void> PluginRegistration::do_provide(OpRegistration registration) {
  if (auto problem = op_registration_problem(registration)) return fail(ErrorKind::Invalid, *problem);
  std::optional<std::string> clash = committed_ops_.conflict(registration);
  for (const auto& staged : staged_ops_)
    if (!clash && staged.name == registration.name && staged.version == registration.version)
      clash = "the " + registration.name + " op (version " + std::to_string(registration.version) +
              ") is provided twice by " + owner_;
  if (clash) {
    if (!name_conflict_) name_conflict_ = *clash;
    return fail(ErrorKind::Conflict, *clash);
  }
  staged_ops_.push_back(std::move(registration));
  return {};
}

std::vector<std::string> PluginRegistration::staged_command_names() const {
  std::vector<std::string> names;
  for (const auto& spec : staged_commands_.commands()) names.push_back(spec.name);
  return names;
}

std::vector<std::string> PluginRegistration::staged_op_names() const {
  std::vector<std::string> names;
  // An op provided in several versions (exec 1 and 2, logs 1 and 2) is one name.
  for (const auto& op : staged_ops_)
    if (std::find(names.begin(), names.end(), op.name) == names.end()) names.push_back(op.name);
  return names;
}

void PluginRegistration::commit(CommandTable& commands, OpRegistry& ops) {
  for (const auto& spec : staged_commands_.commands()) commands.add(spec, owner_);
  for (auto& op : staged_ops_) ops.add(std::move(op), owner_);
  staged_commands_ = {};
  staged_ops_.clear();
}

}  // namespace orka::core
