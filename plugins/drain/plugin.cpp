// The `drain` op plugin: provides the drain op and registers `orka ops drain`.
#include <memory>

#include "drain.hpp"
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_drain(orka::Registry& registry) {
  auto op = std::make_shared<orka::drain::DrainOps>(registry.services());
  if (auto provided = registry.provide<orka::DrainOp>(op, orka::drain::drain_declaration(),
                                                      orka::drain::drain_json_runner(op));
      !provided)
    return provided;
  return registry.add_command(orka::drain::drain_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("drain", "0.2.0", "Cordon a node and evict its pods", register_drain)
