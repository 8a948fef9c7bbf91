// How a plugin describes its `orka ops <name>` command. A command turns its flags into an op's
// request, calls the op through CommandContext::ops and prints what comes back (the shape every
// command shares is in command_shape.hpp). It returns a Result and never exits the process, so a
// GUI can run the same command in-process.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/error.hpp"
#include "orka/op.hpp"
#include "orka/services.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct CommandContext {
  Services& services;
  Ops& ops;  // every registered op (the command calls its own through it)
  std::string invoked_as;         // the name or alias the user typed ("cordon" / "uncordon")
  std::vector<std::string> args;  // everything after the command name, global flags removed
  std::ostream& out;
  std::ostream& err;
  CancelToken cancel;             // cancelled on SIGINT/SIGTERM in the CLI
  bool out_is_tty = false;
  bool err_is_tty = false;
};

struct CommandSpec {
  std::string name;                  // "logs"
  std::vector<std::string> aliases;  // other names that reach the same command
  std::string summary;               // one line for `orka ops --help`
  std::string usage;                 // "orka ops logs POD [-c CONTAINER] [flags]"
  // Returns the process exit code on success (0, or a remote command's code for exec).
  std::function<Result<int>(CommandContext&)> run;
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
