// Parsing of the discovery documents the API server serves (/api, /apis, /api/v1,
// /apis/<group>/<version>). Pure functions, so they are tested on recorded JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "orka/discovery.hpp"
#include "orka/error.hpp"

namespace orka::core {

// A subresource as one APIResourceList lists it: "pods/eviction" may be served by another
// group/version (policy/v1beta1) than its parent (v1).
struct SubresourceEntry {
  std::string parent_group;  // group of the list it came from ("" for core)
  std::string resource;      // "pods"
  std::string subresource;   // "eviction"
  std::string group_version; // who serves its body: "policy/v1beta1", "autoscaling/v1", "v1"
  std::vector<std::string> verbs;
};

struct ResourceList {
  std::vector<ApiResource> resources;  // subresources attached to their parents
  std::vector<SubresourceEntry> subresources;
};

struct ApiGroupInfo {
  std::string name;                   // "apps"
  std::string preferred_version;      // "v1"
  std::vector<std::string> versions;  // every served version, server order
};

// "apps/v1" → {"apps", "v1"}; "v1" → {"", "v1"}.
std::pair<std::string, std::string> split_group_version(std::string_view group_version);

// An APIResourceList (from /api/v1 or /apis/<g>/<v>). `source` names the path for errors.
Result<ResourceList> parse_resource_list(const nlohmann::json& document, std::string_view source);

// An APIGroupList (/apis).
Result<std::vector<ApiGroupInfo>> parse_group_list(const nlohmann::json& document);

// What /api or /apis says when the server speaks aggregated discovery (an
// APIGroupDiscoveryList, apidiscovery.k8s.io/v2 or v2beta1, Kubernetes 1.26+): every group with
// its versions and, for each group's preferred version, its resources — the whole walk in one
// document.
struct AggregatedDiscovery {
  std::vector<ApiGroupInfo> groups;  // the core group too (name "") when from /api
  ResourceList preferred;            // resources of each group's preferred version
  std::vector<std::string> stale;    // preferred group versions the server marks Stale
};

// The Accept header asking for it, falling back to the classic documents on older servers.
inline constexpr const char* kAggregatedDiscoveryAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json";

// nullopt when `document` is not an APIGroupDiscoveryList (an older server ignored the Accept).
Result<std::optional<AggregatedDiscovery>> parse_aggregated_discovery(
    const nlohmann::json& document, std::string_view source);

// An APIVersions document (/api): the core versions, e.g. ["v1"].
Result<std::vector<std::string>> parse_core_versions(const nlohmann::json& document);

}  // namespace orka::core
