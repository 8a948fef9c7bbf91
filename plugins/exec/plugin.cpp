// The `exec` op plugin: provides the exec op and registers `orka ops exec`.
#include "exec.hpp"
#include "exec_command.hpp"
#include "exec_json.hpp"
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_exec(orka::Registry& registry) {
  orka::Services& services = registry.services();
  auto op = std::make_shared<orka::streaming::ExecOps>(
      [&services] { return services.client(); },
      [&services](int level, std::string_view line) { services.log(level, line); },
      [&services](const orka::CancelToken& cancel) { return services.server_version(cancel); });
  if (auto provided = registry.provide<orka::ExecOp>(op, orka::streaming::exec_declaration(),
                                                     orka::streaming::exec_json_runner(op));
      !provided)
    return provided;
  return registry.add_command(orka::streaming::exec_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("exec", "0.2.0", "Run a command in a container (stdin, TTY, exit code)", register_exec)
