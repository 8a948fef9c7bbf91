// `orka ops caps` as a function of its inputs, so it is testable without a Host.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/error.hpp"
#include "orka/services.hpp"

namespace orka::core {

Result<int> run_caps(Services& services, const std::vector<std::string>& args, std::ostream& out,
                     const CancelToken& cancel);

}  // namespace orka::core
