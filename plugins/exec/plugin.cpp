// The `exec` op plugin: registers `orka ops exec`. The op itself arrives with its own issue;
// until then the command says so and exits 1.
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_exec(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "exec";
  spec.aliases = {};
  spec.summary = "Run a command in a container";
  spec.usage = "orka ops exec POD|TYPE/NAME [-c CONTAINER] [-i] [-t] -- CMD [ARGS...]";
  spec.run = [](orka::CommandContext& ctx) -> orka::Result<int> {
    return orka::fail(orka::ErrorKind::Unsupported,
                      "`orka ops " + ctx.invoked_as + "` is not implemented yet",
                      "this build registers the command only; the op lands in a later release");
  };
  return registry.add_command(std::move(spec));
}

}  // namespace

ORKA_PLUGIN_DEFINE("exec", "0.1.0", "Run a command in a container", register_exec)
