// `orka ops exec POD|TYPE/NAME [-c C] [-i] [-t] [--transport T] -- CMD [ARGS…]`.
#pragma once

#include "orka/command.hpp"

namespace orka::streaming {

CommandSpec exec_command();

}  // namespace orka::streaming
