// Parsing of the discovery documents the API server serves (/api, /apis, /api/v1,
// /apis/<group>/<version>). Pure functions, so they are tested on recorded JSON.
#pragma once

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

// An APIVersions document (/api): the core versions, e.g. ["v1"].
Result<std::vector<std::string>> parse_core_versions(const nlohmann::json& document);

}  // namespace orka::core
