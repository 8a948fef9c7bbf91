// Discovery over a Client: /api, /api/v1, /apis and each group's preferred version, fetched
// once (the first caller fetches, concurrent callers wait for it) and then served from memory,
// and from the disk cache in later processes while it is fresh. A type the cached snapshot does
// not know refetches once before it is called unknown (a CRD created since), as kubectl does.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "discovery/discovery_client.hpp"
#include "discovery/discovery_disk_cache.hpp"
#include "discovery/discovery_document.hpp"
#include "discovery/discovery_snapshot.hpp"
#include "discovery/resource_resolver.hpp"

namespace orka::core {

namespace {

using Snapshot = DiscoverySnapshot;

// Group-version documents are fetched this many at a time: on a remote server a walk of ~20
// documents then costs about three round trips instead of twenty, without opening a connection
// per document.
constexpr std::size_t kParallelFetches = 8;

class CachedDiscovery final : public Discovery {
 public:
  CachedDiscovery(std::shared_ptr<Client> client, std::optional<DiscoveryDiskCache> disk,
                  DiscoveryLog log)
      : client_(std::move(client)), disk_(std::move(disk)), log_(std::move(log)) {}

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
    auto found = find_in(**loaded, type, cancel);
    if (found || found.error().kind != ErrorKind::NotFound || !loaded_from_disk_) return found;
    log(1, fmt::format("discovery: \"{}\" is not in the cached snapshot, fetching it again", type));
    auto reloaded = reload(cancel);
    if (!reloaded) return fail(reloaded.error());
    return find_in(**reloaded, type, cancel);
  }

  Result<std::optional<std::string>> subresource_group_version(
      std::string_view resource, std::string_view subresource, const CancelToken& cancel) override {
    std::lock_guard lock(mutex_);
    auto loaded = load(cancel);
    if (!loaded) return fail(loaded.error());
    // Core first: the subresources ops ask about (pods/eviction) belong to core resources.
    const SubresourceEntry* match = find_subresource(**loaded, resource, subresource);
    if (match == nullptr && loaded_from_disk_) {
      auto reloaded = reload(cancel);
      if (!reloaded) return fail(reloaded.error());
      match = find_subresource(**reloaded, resource, subresource);
    }
    if (match == nullptr) return std::optional<std::string>{};
    return std::optional<std::string>{match->group_version};
  }

 private:
  static const SubresourceEntry* find_subresource(const Snapshot& snapshot,
                                                  std::string_view resource,
                                                  std::string_view subresource) {
    const SubresourceEntry* match = nullptr;
    for (const auto& entry : snapshot.subresources) {
      if (entry.resource != resource || entry.subresource != subresource) continue;
      if (match == nullptr || (entry.parent_group.empty() && !match->parent_group.empty()))
        match = &entry;
    }
    return match;
  }

  // Called with mutex_ held.
  Result<ApiResource> find_in(const Snapshot& snapshot, std::string_view type,
                              const CancelToken& cancel) {
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

  void log(int level, std::string_view line) const {
    if (log_) log_(level, line);
  }
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
    if (disk_) {
      auto read = read_discovery_cache(*disk_);
      if (read.snapshot) {
        log(1, fmt::format("discovery: from {} ({}s old)", disk_->file.string(), read.age.count()));
        snapshot_ = std::move(*read.snapshot);
        loaded_from_disk_ = true;
        return &*snapshot_;
      }
      log(1, fmt::format("discovery: cache {} not used ({})", disk_->file.string(), read.why_not));
    }
    return reload(cancel);
  }

  // Called with mutex_ held: walks the server and replaces the snapshot (and the disk copy).
  Result<const Snapshot*> reload(const CancelToken& cancel) {
    auto walked = walk(cancel);
    if (!walked) return fail(walked.error());
    snapshot_ = std::move(*walked);
    loaded_from_disk_ = false;
    other_versions_.clear();
    // A snapshot missing a broken aggregated API is not kept: the next process tries again.
    if (disk_ && snapshot_->unavailable.empty()) {
      if (auto written = write_discovery_cache(*disk_, *snapshot_); !written)
        log(1, "discovery: " + written.error().message);
    }
    return &*snapshot_;
  }

  // Fetches the documents at `paths` kParallelFetches at a time, results in the same order.
  std::vector<Result<nlohmann::json>> fetch_all(const std::vector<ApiPath>& paths,
                                                const CancelToken& cancel) {
    std::vector<Result<nlohmann::json>> results(paths.size(), fail(ErrorKind::Cancelled,
                                                                    "not fetched"));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i = next++; i < paths.size(); i = next++) {
        if (cancel.cancelled()) return;
        results[i] = fetch(paths[i], cancel);
      }
    };
    std::size_t helpers = std::min(paths.size(), kParallelFetches);
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < helpers; ++t) threads.emplace_back(work);
    work();
    for (auto& thread : threads) thread.join();
    return results;
  }

  Result<Snapshot> walk(const CancelToken& cancel) {
    auto started = std::chrono::steady_clock::now();
    // /api/v1 is asked for beside /api and /apis: every server so far lists v1 first, and the
    // guess is checked against /api before it is used.
    const std::string kExpectedCore = "v1";
    auto first = fetch_all({ApiPath().segment("api"), ApiPath().segment("apis"),
                            ApiPath::group_version(kExpectedCore)},
                           cancel);
    if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled during API discovery");
    if (!first[0]) return fail(first[0].error());
    auto core_versions = parse_core_versions(*first[0]);
    if (!core_versions) return fail(core_versions.error());
    if (!first[1]) return fail(first[1].error());
    auto groups = parse_group_list(*first[1]);
    if (!groups) return fail(groups.error());

    Snapshot snapshot;
    const std::string core_version = core_versions->front();
    auto core = core_version != kExpectedCore ? fetch_resource_list(core_version, cancel)
                : first[2] ? parse_resource_list(*first[2], ApiPath::group_version(core_version).str())
                           : Result<ResourceList>(fail(first[2].error()));
    if (!core) return fail(core.error());
    snapshot.resources = std::move(core->resources);
    snapshot.subresources = std::move(core->subresources);
    snapshot.groups = std::move(*groups);

    std::vector<ApiPath> paths;
    for (const auto& group : snapshot.groups)
      paths.push_back(ApiPath::group_version(group.name + "/" + group.preferred_version));
    auto documents = fetch_all(paths, cancel);
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const auto& group = snapshot.groups[i];
      std::string group_version = group.name + "/" + group.preferred_version;
      Result<ResourceList> list = documents[i] ? parse_resource_list(*documents[i], paths[i].str())
                                               : fail(documents[i].error());
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
    log(1, fmt::format("discovery: {} documents in {} ms", paths.size() + 3,
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count()));
    return snapshot;
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
  std::optional<DiscoveryDiskCache> disk_;
  DiscoveryLog log_;
  std::mutex mutex_;
  std::optional<Snapshot> snapshot_;
  bool loaded_from_disk_ = false;
  std::map<std::string, std::vector<ApiResource>> other_versions_;
};

}  // namespace

std::shared_ptr<Discovery> make_discovery(std::shared_ptr<Client> client,
                                          std::optional<DiscoveryDiskCache> disk,
                                          DiscoveryLog log) {
  return std::make_shared<CachedDiscovery>(std::move(client), std::move(disk), std::move(log));
}

}  // namespace orka::core
