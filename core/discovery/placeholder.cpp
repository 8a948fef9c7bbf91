// TEMPORARY placeholder (replaced by the discovery room's real sources).
#include "discovery/discovery_client.hpp"
namespace orka::core {
std::shared_ptr<Discovery> make_discovery(std::shared_ptr<Client>) { return nullptr; }
CommandSpec make_caps_command() {
  return {"caps", {}, "Show which ops the cluster offers and the current user may run",
          "orka ops caps [-n NS] [--json]",
          [](CommandContext&) -> Result<int> { return fail(ErrorKind::Unsupported, "caps is not built yet"); }};
}
}  // namespace orka::core
