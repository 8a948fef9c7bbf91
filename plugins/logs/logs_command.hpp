// `orka ops logs POD|TYPE/NAME|-l SELECTOR [flags]`.
#pragma once

#include "orka/command.hpp"

namespace orka::streaming {

CommandSpec logs_command();

}  // namespace orka::streaming
