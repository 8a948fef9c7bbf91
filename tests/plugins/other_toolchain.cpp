// Built (as its descriptor says) with another compiler and standard library than the host: the
// C++ types that cross the boundary would not match, so the host refuses it before registering.
#include "orka/plugin.hpp"

namespace {
int never_called(orka_registry*, char*, size_t) { return 0; }
}  // namespace

extern "C" ORKA_PLUGIN_EXPORT const orka_plugin_descriptor* orka_plugin_entry(void) {
  static const orka_plugin_descriptor descriptor = {
      ORKA_PLUGIN_ABI_MAJOR, ORKA_PLUGIN_ABI_MINOR, sizeof(orka_plugin_descriptor),
      "other_toolchain", "1.0.0", "Built with another toolchain", &never_called,
      "clang++ 99, libc++ 990000, C++ 202302, nlohmann_json 3.11", ORKA_SDK_VERSION_STRING};
  return &descriptor;
}
