// The `cordon` op plugin: registers `orka ops cordon`. The op itself arrives with its own issue;
// until then the command says so and exits 1.
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_cordon(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "cordon";
  spec.aliases = {"uncordon"};
  spec.summary = "Mark nodes unschedulable (uncordon: schedulable again)";
  spec.usage = "orka ops cordon NODE... [--off]";
  spec.run = [](orka::CommandContext& ctx) -> orka::Result<int> {
    return orka::fail(orka::ErrorKind::Unsupported,
                      "`orka ops " + ctx.invoked_as + "` is not implemented yet",
                      "this build registers the command only; the op lands in a later release");
  };
  return registry.add_command(std::move(spec));
}

}  // namespace

ORKA_PLUGIN_DEFINE("cordon", "0.1.0", "Mark nodes unschedulable (uncordon: schedulable again)", register_cordon)
