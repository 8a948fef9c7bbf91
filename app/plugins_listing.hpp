// `orka plugins [--json]`: what loaded (name, version, ABI, file, commands) and what was
// refused (file, reason, message), in the style of gst-inspect's plugin list.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "orka/host.hpp"

namespace orka::cli {

nlohmann::json plugins_report(const Host& host);
void print_plugins_report(std::ostream& out, const Host& host);

}  // namespace orka::cli
