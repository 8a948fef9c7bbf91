// A shared object without the orka_plugin_entry symbol.
#include "orka/export.hpp"

extern "C" ORKA_PLUGIN_EXPORT int not_the_entry_point(void) { return 42; }
