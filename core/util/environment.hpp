// Reading environment variables through a function, so code that reads them (kubeconfig
// locations, the plugin search path) is tested with an environment of its own.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace orka::core {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process's own environment, as an EnvLookup.
std::optional<std::string> process_getenv(const std::string& name);

}  // namespace orka::core
