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

// Group-version documents are fetched this many at a time: on a remote server a classic walk of
// ~20 documents then costs a few round trips instead of twenty, without a connection per document.
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

  struct Fetch {
    ApiPath path;
    std::string accept = "application/json";
  };

  Result<nlohmann::json> fetch(const Fetch& what, const CancelToken& cancel) {
    Request request;
    request.method = "GET";
    request.path = what.path.str();
    request.accept = what.accept;
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
    auto document = fetch({path}, cancel);
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

  // Fetches `documents` kParallelFetches at a time, results in the same order.
  std::vector<Result<nlohmann::json>> fetch_all(const std::vector<Fetch>& documents,
                                                const CancelToken& cancel) {
    std::vector<Result<nlohmann::json>> results(documents.size(),
                                                fail(ErrorKind::Cancelled, "not fetched"));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i = next++; i < documents.size(); i = next++) {
        if (cancel.cancelled()) return;
        results[i] = fetch(documents[i], cancel);
      }
    };
    std::size_t helpers = std::min(documents.size(), kParallelFetches);
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < helpers; ++t) threads.emplace_back(work);
    work();
    for (auto& thread : threads) thread.join();
    return results;
  }

  static void append(ResourceList& into, ResourceList&& part) {
    for (auto& r : part.resources) into.resources.push_back(std::move(r));
    for (auto& s : part.subresources) into.subresources.push_back(std::move(s));
  }

  // /api and /apis asked for as aggregated discovery: a 1.26+ server answers the whole walk in
  // those two documents. An older one answers the classic lists, and then the core version and
  // every group's preferred version follow in one parallel round.
  Result<Snapshot> walk(const CancelToken& cancel) {
    auto started = std::chrono::steady_clock::now();
    auto roots = fetch_all({{ApiPath().segment("api"), kAggregatedDiscoveryAccept},
                            {ApiPath().segment("apis"), kAggregatedDiscoveryAccept}},
                           cancel);
    if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled during API discovery");
    for (auto& root : roots)
      if (!root) return fail(root.error());

    Snapshot snapshot;
    ResourceList core;
    std::vector<Fetch> round_two;
    auto core_aggregated = parse_aggregated_discovery(*roots[0], "/api");
    if (!core_aggregated) return fail(core_aggregated.error());
    if (*core_aggregated) {
      append(core, std::move((*core_aggregated)->preferred));
      for (auto& stale : (*core_aggregated)->stale) snapshot.unavailable.push_back(stale);
    } else {
      auto core_versions = parse_core_versions(*roots[0]);
      if (!core_versions) return fail(core_versions.error());
      round_two.push_back({ApiPath::group_version(core_versions->front())});
    }
    const bool classic_core = !round_two.empty();

    std::vector<ResourceList> group_lists;
    auto groups_aggregated = parse_aggregated_discovery(*roots[1], "/apis");
    if (!groups_aggregated) return fail(groups_aggregated.error());
    if (*groups_aggregated) {
      snapshot.groups = std::move((*groups_aggregated)->groups);
      group_lists.push_back(std::move((*groups_aggregated)->preferred));
      for (auto& stale : (*groups_aggregated)->stale) snapshot.unavailable.push_back(stale);
    } else {
      auto groups = parse_group_list(*roots[1]);
      if (!groups) return fail(groups.error());
      snapshot.groups = std::move(*groups);
      for (const auto& group : snapshot.groups)
        round_two.push_back({ApiPath::group_version(group.name + "/" + group.preferred_version)});
    }

    auto documents = fetch_all(round_two, cancel);
    if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled during API discovery");
    std::size_t next = 0;
    if (classic_core) {
      if (!documents[0]) return fail(documents[0].error());
      auto list = parse_resource_list(*documents[0], round_two[0].path.str());
      if (!list) return fail(list.error());
      append(core, std::move(*list));
      next = 1;
    }
    for (std::size_t i = next; i < round_two.size(); ++i) {
      const auto& group = snapshot.groups[i - next];
      Result<ResourceList> list = documents[i]
                                      ? parse_resource_list(*documents[i], round_two[i].path.str())
                                      : fail(documents[i].error());
      if (!list) {
        // One broken aggregated API must not make every op fail (kubectl tolerates it too);
        // cancellation is the caller's wish, not a partial failure.
        if (list.error().kind == ErrorKind::Cancelled || cancel.cancelled())
          return fail(ErrorKind::Cancelled, "cancelled during API discovery");
        snapshot.unavailable.push_back(group.name + "/" + group.preferred_version);
        continue;
      }
      group_lists.push_back(std::move(*list));
    }

    // Core first, then the groups in the server's order.
    for (auto& list : group_lists) append(core, std::move(list));
    snapshot.resources = std::move(core.resources);
    snapshot.subresources = std::move(core.subresources);
    log(1, fmt::format("discovery: {} documents ({}) in {} ms", roots.size() + round_two.size(),
                       round_two.empty() ? "aggregated" : "classic walk",
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
