// Where orka keeps what it caches between runs (discovery snapshots, completion's names):
// the one rule for HostOptions::cache_dir / --cache-dir, for the host and the CLI alike.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// `flag` (--cache-dir) when given; else $XDG_CACHE_HOME/orka, else ~/.cache/orka (each only when
// absolute). nullopt when `flag` is empty (keep nothing on disk) or no home is known.
ORKA_API std::optional<std::filesystem::path> cache_directory(const std::optional<std::string>& flag);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
