// The `pf` op plugin: registers `orka ops pf`. The op itself arrives with its own issue;
// until then the command says so and exits 1.
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_pf(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "pf";
  spec.aliases = {};
  spec.summary = "Forward local ports to a pod, workload or service";
  spec.usage = "orka ops pf POD|TYPE/NAME|svc/NAME [LOCAL:]REMOTE... [--address ADDR]";
  spec.run = [](orka::CommandContext& ctx) -> orka::Result<int> {
    return orka::fail(orka::ErrorKind::Unsupported,
                      "`orka ops " + ctx.invoked_as + "` is not implemented yet",
                      "this build registers the command only; the op lands in a later release");
  };
  return registry.add_command(std::move(spec));
}

}  // namespace

ORKA_PLUGIN_DEFINE("pf", "0.1.0", "Forward local ports to a pod, workload or service", register_pf)
