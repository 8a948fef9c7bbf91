// Built against a newer minor of the plugin ABI than the host's: it may use additions the host
// lacks, so the host refuses it.
#include "orka/plugin.hpp"

namespace {
int never_called(orka_registry*, char*, size_t) { return 0; }
}  // namespace

extern "C" ORKA_PLUGIN_EXPORT const orka_plugin_descriptor* orka_plugin_entry(void) {
  static const orka_plugin_descriptor descriptor = {
      ORKA_PLUGIN_ABI_MAJOR, ORKA_PLUGIN_ABI_MINOR + 1, sizeof(orka_plugin_descriptor),
      "newer_minor", "1.1.0", "Needs a newer host", &never_called,
      ORKA_BUILD_TOOLCHAIN, ORKA_SDK_VERSION_STRING};
  return &descriptor;
}
