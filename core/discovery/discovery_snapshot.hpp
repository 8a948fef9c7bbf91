// Everything one discovery walk learned, and its JSON form for the disk cache.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "discovery/discovery_document.hpp"
#include "orka/discovery.hpp"
#include "orka/error.hpp"

namespace orka::core {

struct DiscoverySnapshot {
  std::vector<ApiResource> resources;  // core first, then groups in the server's order
  std::vector<SubresourceEntry> subresources;
  std::vector<ApiGroupInfo> groups;
  // Group versions whose document could not be fetched (an aggregated API that is down).
  std::vector<std::string> unavailable;
};

nlohmann::json snapshot_to_json(const DiscoverySnapshot& snapshot);

// Refuses (Internal, with the reason) anything snapshot_to_json of this format did not write:
// a cache file from another orka version or a damaged one is then simply refetched.
Result<DiscoverySnapshot> snapshot_from_json(const nlohmann::json& document);

}  // namespace orka::core
