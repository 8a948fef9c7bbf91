// LiveNames over a mocked Client: one metadata list per kind, the deadline, and the cache.
#include <doctest/doctest.h>
#include <doctest/trompeloeil.hpp>

#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "isolated_host.hpp"
#include "live_names.hpp"
#include "mock_client.hpp"
#include "name_cache.hpp"
#include "orka/host.hpp"
#include "test_paths.hpp"

using orka::cli::NameQuery;
using orka::cli::ValueKind;
using orka::testing::MockClient;
using trompeloeil::_;

namespace {

struct LiveFixture {
  orka::testing::TempDir dir;
  std::unique_ptr<orka::Host> host;
  std::shared_ptr<MockClient> client = std::make_shared<MockClient>();
  std::vector<std::unique_ptr<trompeloeil::expectation>> allowances;

  LiveFixture() {
    auto options = orka::testing::isolated_host_options(dir.path());
    options.namespace_ = "team-a";
    options.cache_dir = "";
    host = orka::Host::create(options);
    host->set_client(client);
    allowances.push_back(NAMED_ALLOW_CALL(*client, server()).RETURN("https://127.0.0.1:6443"));
    allowances.push_back(NAMED_ALLOW_CALL(*client, default_namespace()).RETURN("team-a"));
  }

  orka::cli::GlobalFlags flags() const {
    orka::cli::GlobalFlags flags;
    flags.kubeconfig = (dir.path() / "kubeconfig").string();
    return flags;
  }
};

NameQuery query(ValueKind kind, std::string target = {}, std::string type = {}) {
  NameQuery q;
  q.kind = kind;
  q.target = std::move(target);
  q.type = std::move(type);
  return q;
}

const char* kPodList =
    R"({"kind":"PartialObjectMetadataList","items":[{"metadata":{"name":"web-0"}},{"metadata":{"name":"db-0"}}]})";

}  // namespace

TEST_CASE("one metadata list request per kind, in the namespace asked or the context's") {
  LiveFixture fixture;
  orka::cli::LiveNames names(fixture.host->services(), fixture.flags(), std::nullopt);
  {
    REQUIRE_CALL(*fixture.client, send(_, _))
        .WITH(_1.path == "/api/v1/namespaces/team-a/pods?limit=1000")
        .WITH(_1.accept.find("as=PartialObjectMetadataList") != std::string::npos)
        .WITH(_1.timeout == orka::cli::kNameListTimeout)
        .RETURN(orka::testing::json_response(200, kPodList));
    CHECK(names.names(query(ValueKind::Pods)) == std::vector<std::string>{"web-0", "db-0"});
  }
  {
    REQUIRE_CALL(*fixture.client, send(_, _))
        .WITH(_1.path == "/apis/apps/v1/namespaces/other/statefulsets?limit=1000")
        .RETURN(orka::testing::json_response(200, R"({"items":[{"metadata":{"name":"db"}}]})"));
    auto q = query(ValueKind::Workloads, {}, "sts");
    q.namespace_ = "other";
    CHECK(names.names(q) == std::vector<std::string>{"db"});
  }
  {
    REQUIRE_CALL(*fixture.client, send(_, _))
        .WITH(_1.path == "/api/v1/namespaces/team-a/pods/web-0")
        .RETURN(orka::testing::json_response(
            200, R"({"metadata":{"name":"web-0"},"spec":{"initContainers":[{"name":"init"}],
                   "containers":[{"name":"app","ports":[{"name":"http","containerPort":8080}]},
                                 {"name":"sidecar"}]}})"));
    auto containers = names.names(query(ValueKind::Containers, "web-0"));
    CHECK(std::find(containers.begin(), containers.end(), "sidecar") != containers.end());
    CHECK(std::find(containers.begin(), containers.end(), "init") != containers.end());
  }
  {
    REQUIRE_CALL(*fixture.client, send(_, _))
        .WITH(_1.path == "/apis/apps/v1/namespaces/team-a/deployments/web")
        .RETURN(orka::testing::json_response(
            200, R"({"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[
                   {"name":"http","containerPort":8080},{"containerPort":9090}]}]}}}})"));
    CHECK(names.names(query(ValueKind::Ports, "deploy/web")) ==
          std::vector<std::string>{"http", "8080", "9090"});
  }
  // A refusal or an answer that is not a list: no names, no error.
  REQUIRE_CALL(*fixture.client, send(_, _))
      .RETURN(orka::fail(orka::ErrorKind::Forbidden, "nodes is forbidden"));
  CHECK(names.names(query(ValueKind::Nodes)).empty());
}

TEST_CASE("a server that does not answer within the deadline yields nothing, in time") {
  LiveFixture fixture;
  orka::cli::LiveNames names(fixture.host->services(), fixture.flags(), std::nullopt,
                             std::chrono::milliseconds(200));
  // The mocked server answers only when the request is cancelled (the deadline closes it).
  REQUIRE_CALL(*fixture.client, send(_, _))
      .SIDE_EFFECT(CHECK(_2.wait_for(std::chrono::seconds(20))))
      .RETURN(orka::fail(orka::ErrorKind::Cancelled, "cancelled"));
  const auto started = std::chrono::steady_clock::now();
  CHECK(names.names(query(ValueKind::Pods)).empty());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("names are kept a few seconds, privately, under a key with no secret in it") {
  LiveFixture fixture;
  auto cache = orka::cli::name_cache_for((fixture.dir.path() / "cache").string());
  REQUIRE(cache);
  orka::cli::LiveNames names(fixture.host->services(), fixture.flags(), cache);
  {
    REQUIRE_CALL(*fixture.client, send(_, _)).RETURN(orka::testing::json_response(200, kPodList));
    CHECK(names.names(query(ValueKind::Pods)).size() == 2);
  }
  FORBID_CALL(*fixture.client, send(_, _));
  CHECK(names.names(query(ValueKind::Pods)).size() == 2);  // from the cache: no request

  REQUIRE(std::filesystem::is_directory(cache->dir));
  struct stat folder {};
  REQUIRE(::stat(cache->dir.c_str(), &folder) == 0);
  CHECK((folder.st_mode & 0777) == 0700);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cache->dir)) {
    ++files;
    struct stat file {};
    REQUIRE(::stat(entry.path().c_str(), &file) == 0);
    CHECK((file.st_mode & 0777) == 0600);
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == R"({"names":["web-0","db-0"]})");
  }
  CHECK(files == 1);
}

TEST_CASE("the name cache: fresh, expired, damaged, and keyed") {
  orka::testing::TempDir dir;
  orka::cli::NameCache cache{dir.path() / "completion"};
  orka::cli::write_cached_names(cache, "key-a", {"x", "y"});
  CHECK(orka::cli::read_cached_names(cache, "key-a") == std::vector<std::string>{"x", "y"});
  CHECK_FALSE(orka::cli::read_cached_names(cache, "key-b").has_value());

  const auto file = orka::cli::cached_names_file(cache, "key-a");
  std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now() -
                                             cache.ttl - std::chrono::seconds(1));
  CHECK_FALSE(orka::cli::read_cached_names(cache, "key-a").has_value());

  orka::cli::write_cached_names(cache, "key-a", {"x"});
  std::ofstream(file, std::ios::trunc) << "{not json";
  CHECK_FALSE(orka::cli::read_cached_names(cache, "key-a").has_value());

  CHECK_FALSE(orka::cli::name_cache_for(std::string()).has_value());  // --cache-dir "": off
}
