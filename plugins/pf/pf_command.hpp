// `orka ops pf POD|TYPE/NAME|svc/NAME [LOCAL:]REMOTE... [--address ADDR...] [--transport T] [--json]`.
#pragma once

#include <string>

#include "orka/command.hpp"
#include "orka/ops/port_forward.hpp"

namespace orka::streaming {

// One event for a human ("" when this event is not shown without -v).
std::string describe_event(const ForwardEvent& event, bool verbose);

// Whether pf draws its live status block: stdout is a terminal that is not TERM=dumb.
bool live_status_wanted(bool out_is_tty);

CommandSpec pf_command();

}  // namespace orka::streaming
