// The `scale` op plugin: registers `orka ops scale`. The op itself arrives with its own issue;
// until then the command says so and exits 1.
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_scale(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "scale";
  spec.aliases = {};
  spec.summary = "Set the replica count of a scalable resource";
  spec.usage = "orka ops scale TYPE/NAME --replicas N [--mode subresource|apply] [flags]";
  spec.run = [](orka::CommandContext& ctx) -> orka::Result<int> {
    return orka::fail(orka::ErrorKind::Unsupported,
                      "`orka ops " + ctx.invoked_as + "` is not implemented yet",
                      "this build registers the command only; the op lands in a later release");
  };
  return registry.add_command(std::move(spec));
}

}  // namespace

ORKA_PLUGIN_DEFINE("scale", "0.1.0", "Set the replica count of a scalable resource", register_scale)
