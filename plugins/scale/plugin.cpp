// The `scale` op plugin: provides the scale op and registers `orka ops scale`.
#include <memory>

#include "orka/plugin.hpp"
#include "scale.hpp"

namespace {

orka::Result<void> register_scale(orka::Registry& registry) {
  auto op = std::make_shared<orka::scale::ScaleOps>(registry.services());
  if (auto provided = registry.provide<orka::ScaleOp>(op, orka::scale::scale_declaration(),
                                                      orka::scale::scale_json_runner(op));
      !provided)
    return provided;
  return registry.add_command(orka::scale::scale_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("scale", "0.2.0", "Set the replica count of a deployment, statefulset, ...",
                   register_scale)
