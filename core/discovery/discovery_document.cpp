#include "discovery/discovery_document.hpp"

#include <fmt/format.h>

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

std::string string_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
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
  std::string group_version = string_field(document, "groupVersion");
  if (group_version.empty()) return fail(malformed(source, "no groupVersion"));
  auto [group, version] = split_group_version(group_version);
  auto entries = document.find("resources");
  if (entries == document.end() || !entries->is_array())
    return fail(malformed(source, "no resources array"));

  ResourceList list;
  for (const auto& entry : *entries) {
    if (!entry.is_object()) continue;
    std::string name = string_field(entry, "name");
    if (name.empty()) continue;
    auto slash = name.find('/');
    if (slash != std::string::npos) {
      SubresourceEntry sub;
      sub.parent_group = group;
      sub.resource = name.substr(0, slash);
      sub.subresource = name.substr(slash + 1);
      // An entry may name the group/version serving its body (pods/eviction → policy).
      std::string entry_group = entry.contains("group") ? string_field(entry, "group") : group;
      std::string entry_version = string_field(entry, "version");
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
    resource.kind = string_field(entry, "kind");
    resource.singular = string_field(entry, "singularName");
    // Older servers leave singularName empty; kubectl falls back to the lowercased kind.
    if (resource.singular.empty()) resource.singular = to_lower_ascii(resource.kind);
    resource.namespaced = entry.value("namespaced", false);
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
    info.name = string_field(entry, "name");
    if (info.name.empty()) continue;
    if (auto versions = entry.find("versions"); versions != entry.end() && versions->is_array())
      for (const auto& v : *versions)
        if (v.is_object() && !string_field(v, "version").empty())
          info.versions.push_back(string_field(v, "version"));
    if (auto preferred = entry.find("preferredVersion");
        preferred != entry.end() && preferred->is_object())
      info.preferred_version = string_field(*preferred, "version");
    // No preferredVersion: the server lists versions in priority order.
    if (info.preferred_version.empty() && !info.versions.empty())
      info.preferred_version = info.versions.front();
    if (info.preferred_version.empty()) continue;
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::vector<std::string>> parse_core_versions(const nlohmann::json& document) {
  if (!document.is_object()) return fail(malformed("/api", "not a JSON object"));
  auto versions = string_array(document, "versions");
  if (versions.empty()) return fail(malformed("/api", "no versions"));
  return versions;
}

}  // namespace orka::core
