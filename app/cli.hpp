// The `orka` command line: global flags, the top-level commands (ops, plugins, version) and the
// mapping from a command's Result to the process exit code. Returns the exit code; never exits.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "orka/cancel.hpp"

namespace orka::cli {

struct Terminal {
  std::ostream& out;
  std::ostream& err;
  bool out_is_tty = false;
  bool err_is_tty = false;
  // How the user runs orka, for help and usage errors: "orka", or "kubectl orka" when kubectl
  // ran it as its plugin (program_name.hpp).
  std::string_view program = "orka";
};

// `args` excludes argv[0]. `cancel` is cancelled by the caller on SIGINT/SIGTERM; once it is,
// the exit code is 130 whatever the command returned.
int run(const std::vector<std::string>& args, Terminal terminal, const CancelToken& cancel);

}  // namespace orka::cli
