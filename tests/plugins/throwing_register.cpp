// Its register function throws; ORKA_PLUGIN_DEFINE's trampoline turns that into an error.
#include <stdexcept>

#include "orka/plugin.hpp"

namespace {
orka::Result<void> register_throwing(orka::Registry&) {
  throw std::runtime_error("the throwing fixture always throws");
}
}  // namespace

ORKA_PLUGIN_DEFINE("throwing_register", "0.0.1", "Throws from register", register_throwing)
