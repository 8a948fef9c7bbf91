// Discovery over a Client, cached per host; and the `orka ops caps` built-in command.
#pragma once

#include <memory>

#include "orka/client.hpp"
#include "orka/command.hpp"
#include "orka/discovery.hpp"

namespace orka::core {

std::shared_ptr<Discovery> make_discovery(std::shared_ptr<Client> client);

// `orka ops caps [-n NS] [--json]`: per op, whether the cluster offers it and whether the
// current user may do it (with the exact verb/resource/subresource checked).
CommandSpec make_caps_command();

}  // namespace orka::core
