// The `delete` op plugin: provides OrkaOps::delete_pod and registers `orka ops delete`.
#include <memory>

#include "delete.hpp"
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_delete(orka::Registry& registry) {
  auto ops = std::make_shared<orka::podsdelete::DeleteOps>(registry.services());
  if (auto provided = registry.provide(orka::OpKind::DeletePod, ops); !provided) return provided;
  return registry.add_command(orka::podsdelete::delete_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("delete", "0.1.0", "Delete pods (UID-guarded; --wait until they are gone)",
                   register_delete)
