#include "orka/host.hpp"

#ifndef ORKA_VERSION
#error "core/host/meson.build defines ORKA_VERSION from the project version"
#endif

namespace orka {
inline namespace v0 {

const char* version_string() { return ORKA_VERSION; }

}  // namespace v0
}  // namespace orka
