// The `delete` op plugin: provides the delete op and registers `orka ops delete`.
#include <memory>

#include "delete.hpp"
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_delete(orka::Registry& registry) {
  auto op = std::make_shared<orka::podsdelete::DeleteOps>(registry.services());
  if (auto provided = registry.provide<orka::DeletePodOp>(
          op, orka::podsdelete::delete_declaration(), orka::podsdelete::delete_json_runner(op));
      !provided)
    return provided;
  return registry.add_command(orka::podsdelete::delete_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("delete", "0.2.0", "Delete pods (UID-guarded; --wait until they are gone)",
                   register_delete)
