// An entry point that returns no descriptor.
#include "orka/plugin.hpp"

extern "C" ORKA_PLUGIN_EXPORT const orka_plugin_descriptor* orka_plugin_entry(void) {
  return nullptr;
}
