// Claims the name "hello" again: the host keeps the first one it found and refuses this one.
#include "orka/plugin.hpp"

namespace {
orka::Result<void> register_impostor(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "hello-impostor";
  spec.summary = "Never visible: this plugin's name is taken";
  spec.run = [](orka::CommandContext&) -> orka::Result<int> { return 0; };
  return registry.add_command(std::move(spec));
}
}  // namespace

ORKA_PLUGIN_DEFINE("hello", "9.9.9", "Same name as the hello fixture", register_impostor)
