// The `exec` op plugin: provides OrkaOps::exec and registers `orka ops exec`.
#include "exec.hpp"
#include "exec_command.hpp"
#include "orka/plugin.hpp"

namespace {

orka::Result<void> register_exec(orka::Registry& registry) {
  orka::Services& services = registry.services();
  auto ops = std::make_shared<orka::streaming::ExecOps>(
      [&services] { return services.client(); },
      [&services](int level, std::string_view line) { services.log(level, line); });
  if (auto provided = registry.provide(orka::OpKind::Exec, std::move(ops)); !provided) return provided;
  return registry.add_command(orka::streaming::exec_command());
}

}  // namespace

ORKA_PLUGIN_DEFINE("exec", "0.1.0", "Run a command in a container (stdin, TTY, exit code)", register_exec)
