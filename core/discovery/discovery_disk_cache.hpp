// The discovery snapshot on disk, per API server and user identity, so that a one-shot command
// needs no discovery request at all while the snapshot is fresh (kubectl keeps its discovery
// cache for 6 hours by the same reasoning: what a server serves changes rarely, and a miss
// refetches).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "discovery/discovery_snapshot.hpp"
#include "orka/error.hpp"

namespace orka::core {

inline constexpr std::chrono::seconds kDiscoveryCacheTtl = std::chrono::hours(6);

struct DiscoveryDiskCache {
  std::filesystem::path file;
  std::chrono::seconds ttl = kDiscoveryCacheTtl;
};

// <dir>/discovery/<server as a file name>/<digest of server and identity>.json. `identity`
// names who asks (user entry, auth kind, certificate subject...), never a secret itself; it is
// digested so that the file name reveals nothing about it.
std::filesystem::path discovery_cache_file(const std::filesystem::path& dir,
                                           std::string_view server, std::string_view identity);

struct DiscoveryCacheRead {
  std::optional<DiscoverySnapshot> snapshot;  // set when the file is present, fresh and intact
  std::string why_not;                        // otherwise why: "absent", "6h12m old", "damaged: …"
  std::chrono::seconds age{0};
};

DiscoveryCacheRead read_discovery_cache(const DiscoveryDiskCache& cache);

// Atomic (a temporary file renamed over the old one), so concurrent orka processes never read
// a half-written snapshot; the folders are private to the user (0700).
Result<void> write_discovery_cache(const DiscoveryDiskCache& cache,
                                   const DiscoverySnapshot& snapshot);

}  // namespace orka::core
