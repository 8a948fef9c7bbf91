// The `rr` op plugin: provides the rollout-restart op and registers `orka ops rr`.
#include <memory>

#include "orka/plugin.hpp"
#include "rr.hpp"

namespace {

orka::Result<void> register_rr(orka::Registry& registry) {
  auto op = std::make_shared<orka::rr::RolloutOps>(registry.services());
  if (auto provided = registry.provide<orka::RolloutRestartOp>(op, orka::rr::rr_declaration(),
                                                               orka::rr::rr_json_runner(op));
      !provided)
    return provided;
  return registry.add_command(orka::rr::rr_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("rr", "0.2.0", "Rollout restart deployments, statefulsets, daemonsets", register_rr)
