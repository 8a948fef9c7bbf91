// The Registry one plugin's register function sees. Everything it adds is staged and only
// committed when registration succeeds as a whole, so a plugin that fails half-way leaves no
// commands or ops behind. A name already taken makes the whole plugin a DuplicateName refusal,
// even if the plugin ignored the error add_command returned.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/command_table.hpp"
#include "host/op_registry.hpp"
#include "orka/plugin.hpp"

namespace orka::core {

class PluginRegistration final : public Registry {
 public:
  PluginRegistration(Services& services, const CommandTable& commands, const OpRegistry& ops,
                     std::string owner);

  Services& services() override { return services_; }

  // The first name clash seen, as a sentence fragment ("command \"x\" is already ...").
  const std::optional<std::string>& name_conflict() const { return name_conflict_; }
  std::vector<std::string> staged_command_names() const;
  std::vector<std::string> staged_op_names() const;
  void commit(CommandTable& commands, OpRegistry& ops);

 protected:
  Result<void> do_add_command(CommandSpec spec) override;
  Result<void> do_provide(OpRegistration registration) override;

 private:
  Services& services_;
  const CommandTable& committed_commands_;
  const OpRegistry& committed_ops_;
  const std::string owner_;
  CommandTable staged_commands_;
  std::vector<OpRegistration> staged_ops_;
  std::optional<std::string> name_conflict_;
};

}  // namespace orka::core
