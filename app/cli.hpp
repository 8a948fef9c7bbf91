// The `orka` command line: global flags, the top-level commands (ops, plugins, version) and the
// mapping from a command's Result to the process exit code. Returns the exit code; never exits.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "orka/cancel.hpp"

namespace orka::cli {

struct Terminal {
  std::ostream& out;
  std::ostream& err;
  bool out_is_tty = false;
  bool err_is_tty = false;
};

// `args` excludes argv[0]. `cancel` is cancelled by the caller on SIGINT/SIGTERM; once it is,
// the exit code is 130 whatever the command returned.
int run(const std::vector<std::string>& args, Terminal terminal, const CancelToken& cancel);

}  // namespace orka::cli
