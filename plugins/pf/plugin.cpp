// The `pf` op plugin: provides OrkaOps::port_forward and registers `orka ops pf`.
#include "forward.hpp"
#include "orka/plugin.hpp"
#include "pf_command.hpp"

namespace {

orka::Result<void> register_pf(orka::Registry& registry) {
  orka::Services& services = registry.services();
  auto ops = std::make_shared<orka::streaming::ForwardOps>(
      [&services] { return services.client(); },
      [&services](int level, std::string_view line) { services.log(level, line); });
  if (auto provided = registry.provide(orka::OpKind::PortForward, std::move(ops)); !provided) return provided;
  return registry.add_command(orka::streaming::pf_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("pf", "0.1.0", "Forward local ports to a pod, workload or service", register_pf)
