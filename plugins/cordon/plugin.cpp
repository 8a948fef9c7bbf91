// The `cordon` op plugin: provides the cordon op and registers `orka ops cordon`/`uncordon`.
#include <memory>

#include "cordon.hpp"
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_cordon(orka::Registry& registry) {
  auto op = std::make_shared<orka::cordon::CordonOps>(registry.services());
  if (auto provided = registry.provide<orka::CordonOp>(op, orka::cordon::cordon_declaration(),
                                                       orka::cordon::cordon_json_runner(op));
      !provided)
    return provided;
  return registry.add_command(orka::cordon::cordon_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("cordon", "0.2.0", "Mark nodes unschedulable (uncordon: schedulable again)",
                   register_cordon)
