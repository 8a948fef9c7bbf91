#include "orka/host.hpp"

#ifndef ORKA_VERSION
#error "core/host/meson.build defines ORKA_VERSION from the project version"
#endif

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

const char* version_string() { return ORKA_VERSION; }

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
