// `orka ops exec POD|TYPE/NAME [-c C] [-i] [-t] [--transport T] -- CMD [ARGS…]`.
#pragma once

#include <string>
#include <vector>

#include "orka/command.hpp"
#include "orka/ops.hpp"

namespace orka::streaming {

struct ExecCommandOptions {
  std::string target;
  std::string container;
  bool stdin = false;
  bool tty = false;
  bool quiet = false;
  StreamTransport transport = StreamTransport::Auto;
  std::vector<std::string> command;
  bool help = false;
  std::string help_text;
};

Result<ExecCommandOptions> parse_exec_args(const std::vector<std::string>& args);

CommandSpec exec_command();

}  // namespace orka::streaming
