// The `pf` op plugin: provides the port-forward op (versions 1 and 2) and registers `orka ops pf`.
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
  // Version 1 typed only: run_json("pf") runs version 2, whose request is version 1's plus
  // "keepalive".
  if (auto provided = registry.provide<orka::ForwardOp>(op, orka::streaming::pf_declaration(), {});
      !provided)
    return provided;
  auto v2 = std::make_shared<orka::streaming::ForwardOpsV2>(op);
  if (auto provided = registry.provide<orka::ForwardOpV2>(v2, orka::streaming::pf_declaration(),
                                                          orka::streaming::pf_json_runner(v2));
      !provided)
    return provided;
  return registry.add_command(orka::streaming::pf_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("pf", "0.2.0", "Forward local ports to a pod, workload or service", register_pf)
