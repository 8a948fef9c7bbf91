#include "orka/cache_dir.hpp"

#include <cstdlib>

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

std::optional<std::filesystem::path> cache_directory(const std::optional<std::string>& flag) {
  if (flag) {
    if (flag->empty()) return std::nullopt;  // turned off
    return std::filesystem::path(*flag);
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/')
    return std::filesystem::path(xdg) / "orka";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/')
    return std::filesystem::path(home) / ".cache" / "orka";
  return std::nullopt;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
