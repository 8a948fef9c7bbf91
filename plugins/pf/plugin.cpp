// The `pf` op plugin: provides the port-forward op and registers `orka ops pf`.
#include "forward.hpp"
#include "orka/plugin.hpp"
#include "pf_command.hpp"
#include "pf_json.hpp"

namespace {

orka::Result<void> register_pf(orka::Registry& registry) {
  orka::Services& services = registry.services();
  auto op = std::make_shared<orka::streaming::ForwardOps>(
      [&services] { return services.client(); },
      [&services](int level, std::string_view line) { services.log(level, line); },
      [&services](const orka::CancelToken& cancel) { return services.server_version(cancel); });
  if (auto provided = registry.provide<orka::ForwardOp>(op, orka::streaming::pf_declaration(),
                                                        orka::streaming::pf_json_runner(op));
      !provided)
    return provided;
  return registry.add_command(orka::streaming::pf_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("pf", "0.2.0", "Forward local ports to a pod, workload or service", register_pf)
