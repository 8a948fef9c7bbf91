// Built for a future plugin ABI major the host does not speak.
#include "orka/plugin.hpp"

namespace {
int never_called(orka_registry*, char*, size_t) { return 0; }
}  // namespace

extern "C" ORKA_PLUGIN_EXPORT const orka_plugin_descriptor* orka_plugin_entry(void) {
  static const orka_plugin_descriptor descriptor = {
      ORKA_PLUGIN_ABI_MAJOR + 1, 0, sizeof(orka_plugin_descriptor), "bad_major", "2.0.0",
      "Plugin ABI from the future", &never_called,
      ORKA_BUILD_TOOLCHAIN, ORKA_SDK_VERSION_STRING};
  return &descriptor;
}
