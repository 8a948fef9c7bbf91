// The `exec` op plugin: provides the exec op (versions 1 and 2) and registers `orka ops exec`.
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
  // Version 1 typed only: run_json("exec") runs version 2, whose request is version 1's plus
  // "keepalive".
  if (auto provided = registry.provide<orka::ExecOp>(op, orka::streaming::exec_declaration(), {});
      !provided)
    return provided;
  auto v2 = std::make_shared<orka::streaming::ExecOpsV2>(op);
  if (auto provided = registry.provide<orka::ExecOpV2>(v2, orka::streaming::exec_declaration(),
                                                       orka::streaming::exec_json_runner(v2));
      !provided)
    return provided;
  return registry.add_command(orka::streaming::exec_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("exec", "0.2.0", "Run a command in a container (stdin, TTY, exit code)", register_exec)
