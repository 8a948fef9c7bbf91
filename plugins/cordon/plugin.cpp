// The `cordon` op plugin: provides OrkaOps::cordon and registers `orka ops cordon`/`uncordon`.
#include <memory>

#include "cordon.hpp"
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_cordon(orka::Registry& registry) {
  auto ops = std::make_shared<orka::cordon::CordonOps>(registry.services());
  if (auto provided = registry.provide(orka::OpKind::Cordon, ops); !provided) return provided;
  return registry.add_command(orka::cordon::cordon_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("cordon", "0.1.0", "Mark nodes unschedulable (uncordon: schedulable again)",
                   register_cordon)
