// Discovery over a Client: /api, /api/v1, /apis and each group's preferred version, fetched
// once (the first caller fetches, concurrent callers wait for it) and then served from memory.
#include <fmt/format.h>

#include <map>
#include <mutex>
#include <optional>

#include "discovery/discovery_client.hpp"
#include "discovery/discovery_document.hpp"
#include "discovery/resource_resolver.hpp"

namespace orka::core {

namespace {

struct Snapshot {
  std::vector<ApiResource> resources;  // core first, then groups in the server's order
  std::vector<SubresourceEntry> subresources;
  std::vector<ApiGroupInfo> groups;
  // Group versions whose document could not be fetched (an aggregated API that is down).
  std::vector<std::string> unavailable;
};

class CachedDiscovery final : public Discovery {
 public:
  explicit CachedDiscovery(std::shared_ptr<Client> client) : client_(std::move(client)) {}

  Result<std::vector<ApiResource>> resources(const CancelToken& cancel) override {
    std::lock_guard lock(mutex_);
    auto loaded = load(cancel);
    if (!loaded) return fail(loaded.error());
    return (*loaded)->resources;
  }

  Result<ApiResource> resolve(std::string_view type, const CancelToken& cancel) override {
    if (type.empty())
      return fail(ErrorKind::Usage, "empty resource type",
                  "name a type such as pods, deployments or statefulsets.apps");
    std::lock_guard lock(mutex_);
    auto loaded = load(cancel);
    if (!loaded) return fail(loaded.error());
    const Snapshot& snapshot = **loaded;
    for (const auto& query : parse_resource_arg(type)) {
      if (auto found = find_resource(snapshot.resources, query)) return *found;
      // "resource.version.group" may name a version other than the preferred one.
      if (query.version && query.group && serves(snapshot, *query.group, *query.version)) {
        auto extra = other_version(*query.group + "/" + *query.version, cancel);
        if (!extra) return fail(extra.error());
        if (auto found = find_resource(**extra, query)) return *found;
      }
    }
    return fail(unknown_resource_type(type, snapshot.resources, snapshot.unavailable));
  }

  Result<std::optional<std::string>> subresource_group_version(
      std::string_view resource, std::string_view subresource, const CancelToken& cancel) override {
    std::lock_guard lock(mutex_);
    auto loaded = load(cancel);
    if (!loaded) return fail(loaded.error());
    // Core first: the subresources ops ask about (pods/eviction) belong to core resources.
    const SubresourceEntry* match = nullptr;
    for (const auto& entry : (*loaded)->subresources) {
      if (entry.resource != resource || entry.subresource != subresource) continue;
      if (match == nullptr || (entry.parent_group.empty() && !match->parent_group.empty()))
        match = &entry;
    }
    if (match == nullptr) return std::optional<std::string>{};
    return std::optional<std::string>{match->group_version};
  }

 private:
  static bool serves(const Snapshot& snapshot, const std::string& group,
                     const std::string& version) {
    for (const auto& info : snapshot.groups)
      if (info.name == group)
        for (const auto& v : info.versions)
          if (v == version) return true;
    return false;
  }

  Result<nlohmann::json> fetch(const ApiPath& path, const CancelToken& cancel) {
    Request request;
    request.method = "GET";
    request.path = path.str();
    auto response = client_->send(request, cancel);
    if (!response) return fail(response.error());
    auto document = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded())
      return fail(ErrorKind::Transport,
                  fmt::format("the API server answered {} with something that is not JSON",
                              request.path),
                  "check that the kubeconfig points at a Kubernetes API server");
    return document;
  }

  Result<ResourceList> fetch_resource_list(const std::string& group_version,
                                           const CancelToken& cancel) {
    const ApiPath path = ApiPath::group_version(group_version);
    auto document = fetch(path, cancel);
    if (!document) return fail(document.error());
    return parse_resource_list(*document, path.str());
  }

  // Called with mutex_ held.
  Result<const Snapshot*> load(const CancelToken& cancel) {
    if (snapshot_) return &*snapshot_;
    Snapshot snapshot;
    auto api = fetch(ApiPath().segment("api"), cancel);
    if (!api) return fail(api.error());
    auto core_versions = parse_core_versions(*api);
    if (!core_versions) return fail(core_versions.error());
    auto core = fetch_resource_list(core_versions->front(), cancel);
    if (!core) return fail(core.error());
    snapshot.resources = std::move(core->resources);
    snapshot.subresources = std::move(core->subresources);

    auto apis = fetch(ApiPath().segment("apis"), cancel);
    if (!apis) return fail(apis.error());
    auto groups = parse_group_list(*apis);
    if (!groups) return fail(groups.error());
    snapshot.groups = std::move(*groups);
    for (const auto& group : snapshot.groups) {
      std::string group_version = group.name + "/" + group.preferred_version;
      auto list = fetch_resource_list(group_version, cancel);
      if (!list) {
        // One broken aggregated API must not make every op fail (kubectl tolerates it too);
        // cancellation is the caller's wish, not a partial failure.
        if (list.error().kind == ErrorKind::Cancelled || cancel.cancelled())
          return fail(ErrorKind::Cancelled, "cancelled during API discovery");
        snapshot.unavailable.push_back(group_version);
        continue;
      }
      for (auto& resource : list->resources) snapshot.resources.push_back(std::move(resource));
      for (auto& sub : list->subresources) snapshot.subresources.push_back(std::move(sub));
    }
    snapshot_ = std::move(snapshot);
    return &*snapshot_;
  }

  // Called with mutex_ held: a non-preferred group version, fetched once when first named.
  Result<const std::vector<ApiResource>*> other_version(const std::string& group_version,
                                                        const CancelToken& cancel) {
    auto it = other_versions_.find(group_version);
    if (it == other_versions_.end()) {
      auto list = fetch_resource_list(group_version, cancel);
      if (!list) return fail(list.error());
      it = other_versions_.emplace(group_version, std::move(list->resources)).first;
    }
    return &it->second;
  }

  std::shared_ptr<Client> client_;
  std::mutex mutex_;
  std::optional<Snapshot> snapshot_;
  std::map<std::string, std::vector<ApiResource>> other_versions_;
};

}  // namespace

std::shared_ptr<Discovery> make_discovery(std::shared_ptr<Client> client) {
  return std::make_shared<CachedDiscovery>(std::move(client));
}

}  // namespace orka::core
