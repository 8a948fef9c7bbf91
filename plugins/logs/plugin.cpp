// The `logs` op plugin: provides OrkaOps::logs and registers `orka ops logs`.
#include "logs.hpp"
#include "logs_command.hpp"
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_logs(orka::Registry& registry) {
  orka::Services& services = registry.services();
  auto ops = std::make_shared<orka::streaming::LogsOps>([&services] { return services.client(); });
  if (auto provided = registry.provide(orka::OpKind::Logs, std::move(ops)); !provided) return provided;
  return registry.add_command(orka::streaming::logs_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("logs", "0.1.0", "Print and follow container logs (pods, workloads, selectors)", register_logs)
