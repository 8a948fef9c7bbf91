// The `rr` op plugin: registers `orka ops rr`. The op itself arrives with its own issue;
// until then the command says so and exits 1.
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_rr(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "rr";
  spec.aliases = {};
  spec.summary = "Rollout-restart deployments, statefulsets and daemonsets";
  spec.usage = "orka ops rr TYPE/NAME... [--wait] [--timeout D]";
  spec.run = [](orka::CommandContext& ctx) -> orka::Result<int> {
    return orka::fail(orka::ErrorKind::Unsupported,
                      "`orka ops " + ctx.invoked_as + "` is not implemented yet",
                      "this build registers the command only; the op lands in a later release");
  };
  return registry.add_command(std::move(spec));
}

}  // namespace

ORKA_PLUGIN_DEFINE("rr", "0.1.0", "Rollout-restart deployments, statefulsets and daemonsets", register_rr)
