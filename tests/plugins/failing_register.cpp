// Adds a command, then reports failure: the host must roll that command back.
#include "orka/plugin.hpp"

namespace {
orka::Result<void> register_failing(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "half-registered";
  spec.summary = "Must disappear with its plugin";
  spec.run = [](orka::CommandContext&) -> orka::Result<int> { return 0; };
  if (auto added = registry.add_command(std::move(spec)); !added) return added;
  return orka::fail(orka::ErrorKind::Config, "the failing fixture needs a setting it never gets");
}
}  // namespace

ORKA_PLUGIN_DEFINE("failing_register", "0.0.1", "Fails in register", register_failing)
