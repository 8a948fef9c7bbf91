// The `drain` op plugin: registers `orka ops drain`. The op itself arrives with its own issue;
// until then the command says so and exits 1.
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_drain(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "drain";
  spec.aliases = {};
  spec.summary = "Cordon a node and evict its pods";
  spec.usage = "orka ops drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [flags]";
  spec.run = [](orka::CommandContext& ctx) -> orka::Result<int> {
    return orka::fail(orka::ErrorKind::Unsupported,
                      "`orka ops " + ctx.invoked_as + "` is not implemented yet",
                      "this build registers the command only; the op lands in a later release");
  };
  return registry.add_command(std::move(spec));
}

}  // namespace

ORKA_PLUGIN_DEFINE("drain", "0.1.0", "Cordon a node and evict its pods", register_drain)
