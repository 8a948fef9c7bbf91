// The `logs` op plugin: registers `orka ops logs`. The op itself arrives with its own issue;
// until then the command says so and exits 1.
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_logs(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "logs";
  spec.aliases = {};
  spec.summary = "Print and follow container logs (pods, workloads, selectors)";
  spec.usage = "orka ops logs POD|TYPE/NAME|-l SELECTOR [-c CONTAINER] [-f] [flags]";
  spec.run = [](orka::CommandContext& ctx) -> orka::Result<int> {
    return orka::fail(orka::ErrorKind::Unsupported,
                      "`orka ops " + ctx.invoked_as + "` is not implemented yet",
                      "this build registers the command only; the op lands in a later release");
  };
  return registry.add_command(std::move(spec));
}

}  // namespace

ORKA_PLUGIN_DEFINE("logs", "0.1.0", "Print and follow container logs (pods, workloads, selectors)", register_logs)
