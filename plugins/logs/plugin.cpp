// The `logs` op plugin: provides the logs op and registers `orka ops logs`.
#include "logs_command.hpp"
#include "logs_json.hpp"
#include "logs_op.hpp"
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_logs(orka::Registry& registry) {
  orka::Services& services = registry.services();
  auto op = std::make_shared<orka::streaming::LogsOps>([&services] { return services.client(); });
  op->restart_following.note = [&services](std::string_view line) { services.log(1, line); };
  if (auto provided = registry.provide<orka::LogsOp>(op, orka::streaming::logs_declaration(),
                                                     orka::streaming::logs_json_runner(op));
      !provided)
    return provided;
  // Version 2 (structured logs) beside version 1, which older callers keep using.
  auto v2 = std::make_shared<orka::streaming::LogsOpsV2>(op);
  if (auto provided = registry.provide<orka::LogsOpV2>(v2, orka::streaming::logs_declaration(),
                                                       orka::streaming::logs_v2_json_runner(v2));
      !provided)
    return provided;
  return registry.add_command(orka::streaming::logs_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("logs", "0.2.0", "Print and follow container logs (pods, workloads, selectors)", register_logs)
