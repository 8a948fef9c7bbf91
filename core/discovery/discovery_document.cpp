#include "discovery/discovery_document.hpp"

#include <fmt/format.h>

#include "orka/json_fields.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <cctype>

namespace orka::core {

namespace {

Error malformed(std::string_view source, std::string_view what) {
  return make_error(ErrorKind::Transport,
                    fmt::format("the API server's discovery document {} is malformed: {}", source,
                                what),
                    "check that the kubeconfig points at a Kubernetes API server");
}


std::vector<std::string> string_array(const nlohmann::json& object, const char* key) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (const auto& item : *it)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

}  // namespace

std::pair<std::string, std::string> split_group_version(std::string_view group_version) {
  auto slash = group_version.find('/');
  if (slash == std::string_view::npos) return {"", std::string(group_version)};
  return {std::string(group_version.substr(0, slash)),
          std::string(group_version.substr(slash + 1))};
}

Result<ResourceList> parse_resource_list(const nlohmann::json& document, std::string_view source) {
  if (!document.is_object()) return fail(malformed(source, "not a JSON object"));
  std::string group_version = json_string(document, "groupVersion");
  if (group_version.empty()) return fail(malformed(source, "no groupVersion"));
  auto [group, version] = split_group_version(group_version);
  auto entries = document.find("resources");
  if (entries == document.end() || !entries->is_array())
    return fail(malformed(source, "no resources array"));

  ResourceList list;
  for (const auto& entry : *entries) {
    if (!entry.is_object()) continue;
    std::string name = json_string(entry, "name");
    if (name.empty()) continue;
    auto slash = name.find('/');
    if (slash != std::string::npos) {
      SubresourceEntry sub;
      sub.parent_group = group;
      sub.resource = name.substr(0, slash);
      sub.subresource = name.substr(slash + 1);
      // An entry may name the group/version serving its body (pods/eviction → policy).
      std::string entry_group = entry.contains("group") ? json_string(entry, "group") : group;
      std::string entry_version = json_string(entry, "version");
      if (entry_version.empty()) entry_version = version;
      sub.group_version = entry_group.empty() ? entry_version : entry_group + "/" + entry_version;
      sub.verbs = string_array(entry, "verbs");
      list.subresources.push_back(std::move(sub));
      continue;
    }
    ApiResource resource;
    resource.group = group;
    resource.version = version;
    resource.resource = name;
    resource.kind = json_string(entry, "kind");
    resource.singular = json_string(entry, "singularName");
    // Older servers leave singularName empty; kubectl falls back to the lowercased kind.
    if (resource.singular.empty()) resource.singular = to_lower_ascii(resource.kind);
    resource.namespaced = json_bool(entry, "namespaced");
    resource.verbs = string_array(entry, "verbs");
    resource.short_names = string_array(entry, "shortNames");
    list.resources.push_back(std::move(resource));
  }
  for (const auto& sub : list.subresources) {
    for (auto& resource : list.resources) {
      if (resource.resource == sub.resource && !resource.has_subresource(sub.subresource)) {
        resource.subresources.push_back(sub.subresource);
        break;
      }
    }
  }
  return list;
}

Result<std::vector<ApiGroupInfo>> parse_group_list(const nlohmann::json& document) {
  if (!document.is_object()) return fail(malformed("/apis", "not a JSON object"));
  auto groups = document.find("groups");
  if (groups == document.end() || groups->is_null()) return std::vector<ApiGroupInfo>{};
  if (!groups->is_array()) return fail(malformed("/apis", "groups is not an array"));
  std::vector<ApiGroupInfo> out;
  for (const auto& entry : *groups) {
    if (!entry.is_object()) continue;
    ApiGroupInfo info;
    info.name = json_string(entry, "name");
    if (info.name.empty()) continue;
    if (auto versions = entry.find("versions"); versions != entry.end() && versions->is_array())
      for (const auto& v : *versions)
        if (v.is_object() && !json_string(v, "version").empty())
          info.versions.push_back(json_string(v, "version"));
    if (auto preferred = entry.find("preferredVersion");
        preferred != entry.end() && preferred->is_object())
      info.preferred_version = json_string(*preferred, "version");
    // No preferredVersion: the server lists versions in priority order.
    if (info.preferred_version.empty() && !info.versions.empty())
      info.preferred_version = info.versions.front();
    if (info.preferred_version.empty()) continue;
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::optional<AggregatedDiscovery>> parse_aggregated_discovery(
    const nlohmann::json& document, std::string_view source) {
  if (!document.is_object() || json_string(document, "kind") != "APIGroupDiscoveryList")
    return std::optional<AggregatedDiscovery>{};
  auto items = document.find("items");
  if (items == document.end() || items->is_null()) return std::optional<AggregatedDiscovery>{AggregatedDiscovery{}};
  if (!items->is_array()) return fail(malformed(source, "items is not an array"));

  AggregatedDiscovery out;
  for (const auto& item : *items) {
    if (!item.is_object()) continue;
    auto metadata = item.find("metadata");
    std::string group =
        metadata != item.end() && metadata->is_object() ? json_string(*metadata, "name") : "";
    auto versions = item.find("versions");
    if (versions == item.end() || !versions->is_array()) continue;
    ApiGroupInfo info;
    info.name = group;
    for (const auto& v : *versions)
      if (v.is_object() && !json_string(v, "version").empty())
        info.versions.push_back(json_string(v, "version"));
    if (info.versions.empty()) continue;
    // Versions come in descending order of preference.
    info.preferred_version = info.versions.front();
    const nlohmann::json* preferred = nullptr;
    for (const auto& v : *versions)
      if (v.is_object() && json_string(v, "version") == info.preferred_version) {
        preferred = &v;
        break;
      }
    const std::string group_version =
        group.empty() ? info.preferred_version : group + "/" + info.preferred_version;
    out.groups.push_back(info);
    // A Stale version is what the server could not refresh (an aggregated API that is down):
    // treated like a group version that failed to answer in the classic walk.
    if (json_string(*preferred, "freshness") == "Stale") {
      out.stale.push_back(group_version);
      continue;
    }
    auto resources = preferred->find("resources");
    if (resources == preferred->end() || !resources->is_array()) continue;
    for (const auto& entry : *resources) {
      if (!entry.is_object()) continue;
      ApiResource resource;
      resource.group = group;
      resource.version = info.preferred_version;
      resource.resource = json_string(entry, "resource");
      if (resource.resource.empty()) continue;
      if (auto kind = entry.find("responseKind"); kind != entry.end() && kind->is_object())
        resource.kind = json_string(*kind, "kind");
      resource.singular = json_string(entry, "singularResource");
      if (resource.singular.empty()) resource.singular = to_lower_ascii(resource.kind);
      resource.namespaced = json_string(entry, "scope") == "Namespaced";
      resource.verbs = string_array(entry, "verbs");
      resource.short_names = string_array(entry, "shortNames");
      if (auto subs = entry.find("subresources"); subs != entry.end() && subs->is_array()) {
        for (const auto& sub_entry : *subs) {
          if (!sub_entry.is_object() || json_string(sub_entry, "subresource").empty()) continue;
          SubresourceEntry sub;
          sub.parent_group = group;
          sub.resource = resource.resource;
          sub.subresource = json_string(sub_entry, "subresource");
          // Who serves its body (pods/eviction → policy/v1); the parent's version otherwise.
          sub.group_version = group_version;
          if (auto kind = sub_entry.find("responseKind"); kind != sub_entry.end() && kind->is_object()) {
            std::string kind_group = json_string(*kind, "group");
            std::string kind_version = json_string(*kind, "version");
            if (!kind_version.empty())
              sub.group_version = kind_group.empty() ? kind_version : kind_group + "/" + kind_version;
          }
          sub.verbs = string_array(sub_entry, "verbs");
          if (!resource.has_subresource(sub.subresource))
            resource.subresources.push_back(sub.subresource);
          out.preferred.subresources.push_back(std::move(sub));
        }
      }
      out.preferred.resources.push_back(std::move(resource));
    }
  }
  return std::optional<AggregatedDiscovery>{std::move(out)};
}

Result<std::vector<std::string>> parse_core_versions(const nlohmann::json& document) {
  if (!document.is_object()) return fail(malformed("/api", "not a JSON object"));
  auto versions = string_array(document, "versions");
  if (versions.empty()) return fail(malformed("/api", "no versions"));
  return versions;
}

}  // namespace orka::core
