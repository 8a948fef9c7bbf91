// The `rr` op plugin: provides OrkaOps::rollout_restart and registers `orka ops rr`.
#include <memory>

#include "orka/plugin.hpp"
#include "rr.hpp"

namespace {

orka::Result<void> register_rr(orka::Registry& registry) {
  auto ops = std::make_shared<orka::rr::RolloutOps>(registry.services());
  if (auto provided = registry.provide(orka::OpKind::RolloutRestart, ops); !provided)
    return provided;
  return registry.add_command(orka::rr::rr_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("rr", "0.1.0", "Rollout restart deployments, statefulsets, daemonsets",
                   register_rr)
