// Discovery documents from the API server (/api, /apis, /api/v1, /apis/<g>/<v>, the aggregated
// APIGroupDiscoveryList) and the snapshot orka keeps of them on disk: never a crash or an
// exception; what parses survives the snapshot's round trip to JSON; a damaged snapshot is
// refused, never half-trusted.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "discovery/discovery_document.hpp"
#include "discovery/discovery_snapshot.hpp"
#include "fuzz_support.hpp"

using namespace orka::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto document = nlohmann::json::parse(orka_fuzz::as_text(data, size), nullptr, false);
  if (document.is_discarded()) return 0;

  DiscoverySnapshot snapshot;
  if (auto versions = parse_core_versions(document))
    ORKA_FUZZ_CHECK(!versions->empty());
  if (auto groups = parse_group_list(document)) {
    for (const auto& group : *groups) ORKA_FUZZ_CHECK(!group.preferred_version.empty());
    snapshot.groups = *groups;
  }
  if (auto list = parse_resource_list(document, "/apis/fuzz/v1")) {
    for (const auto& resource : list->resources) {
      ORKA_FUZZ_CHECK(!resource.resource.empty());
      (void)resource.object_path("default", "name").str();
    }
    snapshot.resources = list->resources;
    snapshot.subresources = list->subresources;
  }
  if (auto aggregated = parse_aggregated_discovery(document, "/apis"); aggregated && *aggregated) {
    for (const auto& group : (*aggregated)->groups) ORKA_FUZZ_CHECK(!group.versions.empty());
    snapshot.resources.insert(snapshot.resources.end(), (*aggregated)->preferred.resources.begin(),
                              (*aggregated)->preferred.resources.end());
  }

  // The document as a snapshot file read back from the cache directory.
  if (auto damaged = snapshot_from_json(document))
    ORKA_FUZZ_CHECK(!damaged->resources.empty());
  if (snapshot.resources.empty()) return 0;
  auto back = snapshot_from_json(snapshot_to_json(snapshot));
  ORKA_FUZZ_CHECK(back);
  ORKA_FUZZ_CHECK(back->resources.size() == snapshot.resources.size());
  ORKA_FUZZ_CHECK(back->groups.size() == snapshot.groups.size());
  ORKA_FUZZ_CHECK(snapshot_to_json(*back) == snapshot_to_json(snapshot));
  return 0;
}
