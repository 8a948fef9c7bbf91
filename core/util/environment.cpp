#include "util/environment.hpp"

#include <cstdlib>

namespace orka::core {

std::optional<std::string> process_getenv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace orka::core
