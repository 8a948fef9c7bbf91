// The `delete` op plugin: registers `orka ops delete`. The op itself arrives with its own issue;
// until then the command says so and exits 1.
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_delete(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "delete";
  spec.aliases = {};
  spec.summary = "Delete pods safely (UID precondition, grace periods)";
  spec.usage = "orka ops delete POD... [--grace-period S] [--force] [--wait]";
  spec.run = [](orka::CommandContext& ctx) -> orka::Result<int> {
    return orka::fail(orka::ErrorKind::Unsupported,
                      "`orka ops " + ctx.invoked_as + "` is not implemented yet",
                      "this build registers the command only; the op lands in a later release");
  };
  return registry.add_command(std::move(spec));
}

}  // namespace

ORKA_PLUGIN_DEFINE("delete", "0.1.0", "Delete pods safely (UID precondition, grace periods)", register_delete)
