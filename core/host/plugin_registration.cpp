#include "host/plugin_registration.hpp"

namespace orka::core {

PluginRegistration::PluginRegistration(Services& services, const CommandTable& commands,
                                       const OpsDispatcher& ops, std::string owner)
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

Result<void> PluginRegistration::do_provide(OpKind kind, std::shared_ptr<OrkaOps> ops) {
  if (!ops)
    return fail(ErrorKind::Invalid,
                "provide(" + std::string(to_string(kind)) + ") was given no implementation");
  std::optional<std::string> clash;
  if (auto owner = committed_ops_.provider_of(kind)) {
    clash = "the " + std::string(to_string(kind)) + " op is already provided by " + *owner;
  } else {
    for (const auto& staged : staged_ops_)
      if (staged.first == kind)
        clash = "the " + std::string(to_string(kind)) + " op is provided twice by " + owner_;
  }
  if (clash) {
    if (!name_conflict_) name_conflict_ = *clash;
    return fail(ErrorKind::Conflict, *clash);
  }
  staged_ops_.emplace_back(kind, std::move(ops));
  return {};
}

std::vector<std::string> PluginRegistration::staged_command_names() const {
  std::vector<std::string> names;
  for (const auto& spec : staged_commands_.commands()) names.push_back(spec.name);
  return names;
}

void PluginRegistration::commit(CommandTable& commands, OpsDispatcher& ops) {
  for (const auto& spec : staged_commands_.commands()) commands.add(spec, owner_);
  for (auto& [kind, provider] : staged_ops_) ops.set_provider(kind, std::move(provider), owner_);
  staged_commands_ = {};
  staged_ops_.clear();
}

}  // namespace orka::core
