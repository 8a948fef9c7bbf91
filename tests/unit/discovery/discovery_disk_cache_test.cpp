// The discovery snapshot kept on disk between processes: a warm one-shot command asks the
// server nothing, a type the snapshot lacks refetches once, and a stale, damaged or partial
// snapshot is never trusted.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "discovery/discovery_client.hpp"
#include "discovery/discovery_disk_cache.hpp"
#include "discovery/discovery_snapshot.hpp"
#include "fake_api.hpp"
#include "mock_client.hpp"
#include "send_only_client.hpp"

using namespace orka;
using orka::testing::FakeApi;
using orka::testing::MockClient;
using trompeloeil::_;

namespace {

// A scratch folder removed when the test ends.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    path = std::filesystem::temp_directory_path() /
           ("orka-discovery-cache-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// FakeApi with every group answering (its metrics.k8s.io is down by default).
void all_groups_up(FakeApi& api) {
  api.set("/apis/metrics.k8s.io/v1beta1",
          R"({"kind":"APIResourceList","groupVersion":"metrics.k8s.io/v1beta1","resources":[
 {"name":"pods","singularName":"","namespaced":true,"kind":"PodMetrics","verbs":["get","list"]}]})");
}

core::DiscoveryDiskCache cache_in(const ScratchDir& dir, std::string identity = "user=admin") {
  return {core::discovery_cache_file(dir.path, "https://127.0.0.1:6443", identity)};
}

// A client answering from `api`, standing for one orka process's connection.
struct ServedBy {
  std::shared_ptr<MockClient> client = std::make_shared<MockClient>();
  std::unique_ptr<trompeloeil::expectation> answers;
  explicit ServedBy(FakeApi& api)
      : answers(NAMED_ALLOW_CALL(*client, send(_, _)).LR_RETURN(api.answer(_1))) {}
};

std::shared_ptr<Discovery> process_discovery(FakeApi& api, const core::DiscoveryDiskCache& cache) {
  auto served = std::make_shared<ServedBy>(api);
  // The discovery keeps the client; the expectation must live as long as the client does.
  std::shared_ptr<Client> client(served, served->client.get());
  return core::make_discovery(client, cache);
}

void add_group(FakeApi& api, const std::string& group) {
  auto groups = nlohmann::json::parse(testing::kApiGroups);
  groups["groups"].push_back({{"name", group},
                              {"versions", {{{"groupVersion", group + "/v1"}, {"version", "v1"}}}},
                              {"preferredVersion", {{"groupVersion", group + "/v1"}, {"version", "v1"}}}});
  api.set("/apis", groups.dump());
  api.set("/apis/" + group + "/v1",
          nlohmann::json({{"kind", "APIResourceList"},
                          {"groupVersion", group + "/v1"},
                          {"resources",
                           {{{"name", "bars"}, {"singularName", "bar"}, {"namespaced", true},
                             {"kind", "Bar"}, {"verbs", {"get", "list", "patch"}}}}}})
              .dump());
}

}  // namespace

TEST_CASE("a second process resolves from the disk snapshot without asking the server") {
  ScratchDir dir;
  FakeApi api;
  all_groups_up(api);
  CancelToken cancel;
  {
    auto first = process_discovery(api, cache_in(dir));
    REQUIRE(first->resolve("deploy", cancel).has_value());
  }
  CHECK(std::filesystem::is_regular_file(cache_in(dir).file));
  const int walked = api.total();
  CHECK(walked > 3);

  auto second = process_discovery(api, cache_in(dir));
  auto deploy = second->resolve("deploy", cancel);
  REQUIRE(deploy.has_value());
  CHECK(deploy->group == "apps");
  CHECK(deploy->has_subresource("scale"));
  auto eviction = second->subresource_group_version("pods", "eviction", cancel);
  REQUIRE(eviction.has_value());
  CHECK(eviction->value_or("") == "policy/v1beta1");
  REQUIRE(second->resources(cancel).has_value());
  CHECK(api.total() == walked);  // nothing asked
}

TEST_CASE("a type the disk snapshot lacks is fetched again once, then found or called unknown") {
  ScratchDir dir;
  FakeApi api;
  all_groups_up(api);
  CancelToken cancel;
  REQUIRE(process_discovery(api, cache_in(dir))->resolve("pods", cancel));
  const int one_walk = api.total();

  SUBCASE("a CRD created since the snapshot") {
    add_group(api, "bar.example.org");
    auto discovery = process_discovery(api, cache_in(dir));
    auto bars = discovery->resolve("bars", cancel);
    REQUIRE(bars.has_value());
    CHECK(bars->group == "bar.example.org");
    CHECK(api.count("/apis/bar.example.org/v1") == 1);
    // The refreshed snapshot went to disk: the next process finds bars without a request.
    const int after = api.total();
    REQUIRE(process_discovery(api, cache_in(dir))->resolve("bars", cancel));
    CHECK(api.total() == after);
  }
  SUBCASE("a type no server has: one refetch, then NotFound, no loop") {
    auto discovery = process_discovery(api, cache_in(dir));
    auto missing = discovery->resolve("nosuchthings", cancel);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().kind == ErrorKind::NotFound);
    CHECK(api.total() == 2 * one_walk);
    // Within this process the fresh snapshot is trusted: no third walk.
    REQUIRE_FALSE(discovery->resolve("nosuchthings", cancel).has_value());
    CHECK(api.total() == 2 * one_walk);
  }
}

TEST_CASE("a stale, damaged or foreign snapshot is refetched and replaced") {
  ScratchDir dir;
  FakeApi api;
  all_groups_up(api);
  CancelToken cancel;
  auto cache = cache_in(dir);
  REQUIRE(process_discovery(api, cache)->resolve("pods", cancel));
  const int one_walk = api.total();

  SUBCASE("older than the TTL") {
    std::filesystem::last_write_time(
        cache.file, std::filesystem::file_time_type::clock::now() - core::kDiscoveryCacheTtl -
                        std::chrono::minutes(1));
    auto read = core::read_discovery_cache(cache);
    CHECK_FALSE(read.snapshot.has_value());
    CHECK(read.why_not.find("old") != std::string::npos);
  }
  SUBCASE("damaged") {
    std::ofstream(cache.file, std::ios::trunc) << R"({"format":"orka.discovery/v1","resources":[{"group":5}]})";
    auto read = core::read_discovery_cache(cache);
    CHECK_FALSE(read.snapshot.has_value());
    CHECK(read.why_not.starts_with("damaged"));
  }
  SUBCASE("not JSON at all") { std::ofstream(cache.file, std::ios::trunc) << "\x7f" "ELF"; }
  SUBCASE("another format version") {
    std::ofstream(cache.file, std::ios::trunc) << R"({"format":"orka.discovery/v0"})";
  }
  // Found by tests/fuzz/discovery/discovery_documents: a format that is not a string threw
  // (value() outside the snapshot's own try), instead of being refused and refetched.
  SUBCASE("a format that is not a string") {
    std::ofstream(cache.file, std::ios::trunc) << R"({"format":1,"resources":[]})";
    auto read = core::read_discovery_cache(cache);
    CHECK_FALSE(read.snapshot.has_value());
  }
  REQUIRE(process_discovery(api, cache)->resolve("deploy", cancel));
  CHECK(api.total() == 2 * one_walk);
  CHECK(core::read_discovery_cache(cache).snapshot.has_value());  // rewritten whole
}

TEST_CASE("a snapshot missing an unavailable aggregated API is not kept on disk") {
  ScratchDir dir;
  FakeApi api;  // metrics.k8s.io answers 503
  CancelToken cancel;
  REQUIRE(process_discovery(api, cache_in(dir))->resolve("deploy", cancel));
  CHECK_FALSE(std::filesystem::exists(cache_in(dir).file));
}

TEST_CASE("the cache file is per server and identity and names neither in clear") {
  ScratchDir dir;
  auto admin = core::discovery_cache_file(dir.path, "https://127.0.0.1:6443", "user=admin");
  auto viewer = core::discovery_cache_file(dir.path, "https://127.0.0.1:6443", "user=viewer");
  auto other = core::discovery_cache_file(dir.path, "https://127.0.0.2:6443/prefix", "user=admin");
  CHECK(admin != viewer);
  CHECK(admin.parent_path() == viewer.parent_path());
  CHECK(admin.parent_path().filename() == "127.0.0.1_6443");
  CHECK(other.parent_path().filename() == "127.0.0.2_6443_prefix");
  CHECK(admin.filename().string().find("admin") == std::string::npos);
  // Nothing a server URL holds can climb out of the cache folder.
  auto hostile = core::discovery_cache_file(dir.path, "https://../../etc", "x");
  CHECK(hostile.parent_path().parent_path() == dir.path / "discovery");
  CHECK(core::discovery_cache_file(dir.path, "..", "x").parent_path().filename() != "..");
}

TEST_CASE("the snapshot survives its JSON form unchanged") {
  FakeApi api;
  CancelToken cancel;
  ScratchDir dir;
  all_groups_up(api);
  REQUIRE(process_discovery(api, cache_in(dir))->resolve("pods", cancel));
  auto read = core::read_discovery_cache(cache_in(dir));
  REQUIRE(read.snapshot.has_value());
  auto again = core::snapshot_from_json(core::snapshot_to_json(*read.snapshot));
  REQUIRE(again.has_value());
  CHECK(core::snapshot_to_json(*again) == core::snapshot_to_json(*read.snapshot));
  const auto& resources = read.snapshot->resources;
  auto sts = std::find_if(resources.begin(), resources.end(),
                          [](const ApiResource& r) { return r.resource == "statefulsets"; });
  REQUIRE(sts != resources.end());
  CHECK(sts->short_names == std::vector<std::string>{"sts"});
  CHECK(sts->has_subresource("scale"));
}

// trompeloeil serialises calls on a mock, so concurrency is observed on a plain Client.
class SlowClient final : public orka::testing::SendOnlyClient {
 public:
  explicit SlowClient(FakeApi& api) : api_(api) {}
  Result<Response> send(const Request& request, const CancelToken&) override {
    int now = ++in_flight;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    // Long enough that fetches started together overlap on a loaded machine.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    --in_flight;
    return api_.answer(request);
  }

  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};

 private:
  FakeApi& api_;
};

TEST_CASE("group versions are fetched several at a time, each once") {
  FakeApi api;
  all_groups_up(api);
  auto client = std::make_shared<SlowClient>(api);
  CancelToken cancel;
  REQUIRE(core::make_discovery(client)->resources(cancel).has_value());
  CHECK(client->most.load() > 1);
  CHECK(client->most.load() <= 8);
  for (const char* path : {"/api", "/api/v1", "/apis", "/apis/apps/v1", "/apis/example.com/v1"})
    CHECK_MESSAGE(api.count(path) == 1, path);
}
