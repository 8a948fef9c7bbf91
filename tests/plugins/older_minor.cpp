// Built against an older minor of the plugin ABI than the host's: everything it uses the host
// still has (a minor only adds to interfaces the host implements), so the host loads it.
#include "orka/plugin.hpp"

static_assert(ORKA_PLUGIN_ABI_MINOR > 0, "an older minor needs a host minor above 0");

namespace {
orka::Result<void> register_older(orka::Registry& registry) {
  orka::CommandSpec spec;
  spec.name = "older";
  spec.summary = "From a plugin built against an older minor of the ABI";
  spec.run = [](orka::CommandContext& ctx) -> orka::Result<int> {
    ctx.out << "older minor works\n";
    return 0;
  };
  return registry.add_command(std::move(spec));
}

int register_trampoline(orka_registry* registry, char* error, size_t error_size) {
  return orka::detail::run_register(registry, error, error_size, register_older);
}
}  // namespace

extern "C" ORKA_PLUGIN_EXPORT const orka_plugin_descriptor* orka_plugin_entry(void) {
  static const orka_plugin_descriptor descriptor = {
      ORKA_PLUGIN_ABI_MAJOR, ORKA_PLUGIN_ABI_MINOR - 1, sizeof(orka_plugin_descriptor),
      "older_minor", "0.9.0", "Built against an older minor", &register_trampoline,
      ORKA_BUILD_TOOLCHAIN, ORKA_SDK_VERSION_STRING};
  return &descriptor;
}
