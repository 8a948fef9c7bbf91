#include "discovery/discovery_snapshot.hpp"

#include "orka/json_fields.hpp"
namespace orka::core {

namespace {

// Changes whenever the layout below changes, so an older file is refetched, never misread.
constexpr const char* kSnapshotFormat = "orka.discovery/v1";

nlohmann::json resource_json(const ApiResource& r) {
  return {{"group", r.group},           {"version", r.version},
          {"resource", r.resource},     {"kind", r.kind},
          {"singular", r.singular},     {"namespaced", r.namespaced},
          {"verbs", r.verbs},           {"shortNames", r.short_names},
          {"subresources", r.subresources}};
}

ApiResource resource_from(const nlohmann::json& j) {
  ApiResource r;
  r.group = j.at("group").get<std::string>();
  r.version = j.at("version").get<std::string>();
  r.resource = j.at("resource").get<std::string>();
  r.kind = j.at("kind").get<std::string>();
  r.singular = j.at("singular").get<std::string>();
  r.namespaced = j.at("namespaced").get<bool>();
  r.verbs = j.at("verbs").get<std::vector<std::string>>();
  r.short_names = j.at("shortNames").get<std::vector<std::string>>();
  r.subresources = j.at("subresources").get<std::vector<std::string>>();
  return r;
}

}  // namespace

nlohmann::json snapshot_to_json(const DiscoverySnapshot& snapshot) {
  nlohmann::json resources = nlohmann::json::array();
  for (const auto& r : snapshot.resources) resources.push_back(resource_json(r));
  nlohmann::json subresources = nlohmann::json::array();
  for (const auto& s : snapshot.subresources)
    subresources.push_back({{"parentGroup", s.parent_group},
                            {"resource", s.resource},
                            {"subresource", s.subresource},
                            {"groupVersion", s.group_version},
                            {"verbs", s.verbs}});
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : snapshot.groups)
    groups.push_back(
        {{"name", g.name}, {"preferredVersion", g.preferred_version}, {"versions", g.versions}});
  return {{"format", kSnapshotFormat},
          {"resources", std::move(resources)},
          {"subresources", std::move(subresources)},
          {"groups", std::move(groups)},
          {"unavailable", snapshot.unavailable}};
}

Result<DiscoverySnapshot> snapshot_from_json(const nlohmann::json& document) {
  if (!document.is_object() || json_string(document, "format") != kSnapshotFormat)
    return fail(ErrorKind::Internal, "not a discovery snapshot of this orka version");
  // nlohmann's typed accessors throw on a missing key or a wrong type; one handler turns any
  // such damage into a refusal.
  try {
    DiscoverySnapshot snapshot;
    for (const auto& r : document.at("resources")) snapshot.resources.push_back(resource_from(r));
    for (const auto& s : document.at("subresources")) {
      SubresourceEntry entry;
      entry.parent_group = s.at("parentGroup").get<std::string>();
      entry.resource = s.at("resource").get<std::string>();
      entry.subresource = s.at("subresource").get<std::string>();
      entry.group_version = s.at("groupVersion").get<std::string>();
      entry.verbs = s.at("verbs").get<std::vector<std::string>>();
      snapshot.subresources.push_back(std::move(entry));
    }
    for (const auto& g : document.at("groups")) {
      ApiGroupInfo info;
      info.name = g.at("name").get<std::string>();
      info.preferred_version = g.at("preferredVersion").get<std::string>();
      info.versions = g.at("versions").get<std::vector<std::string>>();
      snapshot.groups.push_back(std::move(info));
    }
    snapshot.unavailable = document.at("unavailable").get<std::vector<std::string>>();
    if (snapshot.resources.empty())
      return fail(ErrorKind::Internal, "the discovery snapshot lists no resources");
    return snapshot;
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorKind::Internal, std::string("damaged discovery snapshot: ") + e.what());
  }
}

}  // namespace orka::core
