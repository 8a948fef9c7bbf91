// Discovery documents, the cached Discovery over a mocked Client, and resource paths.
#include <doctest/doctest.h>

#include <thread>

#include "discovery/discovery_client.hpp"
#include "discovery/discovery_document.hpp"
#include "fake_api.hpp"
#include "mock_client.hpp"

using namespace orka;
using orka::testing::FakeApi;
using orka::testing::MockClient;
using trompeloeil::_;

namespace {

const ApiResource* find(const std::vector<ApiResource>& resources, const std::string& group,
                        const std::string& name) {
  for (const auto& r : resources)
    if (r.group == group && r.resource == name) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("an APIResourceList attaches subresources to their resources") {
  auto list = core::parse_resource_list(nlohmann::json::parse(testing::kCoreV1), "/api/v1");
  REQUIRE(list.has_value());
  const ApiResource* pods = find(list->resources, "", "pods");
  REQUIRE(pods != nullptr);
  CHECK(pods->version == "v1");
  CHECK(pods->kind == "Pod");
  CHECK(pods->singular == "pod");  // derived from the kind: 1.20 leaves singularName empty
  CHECK(pods->namespaced);
  CHECK(pods->short_names == std::vector<std::string>{"po"});
  for (const char* sub : {"log", "exec", "portforward", "eviction", "status", "attach"})
    CHECK_MESSAGE(pods->has_subresource(sub), sub);
  CHECK_FALSE(pods->has_subresource("scale"));
  // Subresources are not resources of their own.
  CHECK(find(list->resources, "", "pods/log") == nullptr);

  const ApiResource* nodes = find(list->resources, "", "nodes");
  REQUIRE(nodes != nullptr);
  CHECK_FALSE(nodes->namespaced);

  bool saw_eviction = false;
  for (const auto& sub : list->subresources) {
    if (sub.resource == "pods" && sub.subresource == "eviction") {
      saw_eviction = true;
      CHECK(sub.group_version == "policy/v1beta1");
    }
    if (sub.resource == "pods" && sub.subresource == "log") CHECK(sub.group_version == "v1");
  }
  CHECK(saw_eviction);
}

// Found by tests/fuzz/discovery/discovery_documents: value() threw on a "namespaced" that is not
// a boolean; such a resource is read as cluster-scoped, as a missing field is.
TEST_CASE("an APIResourceList with fields of other types is read, not thrown on") {
  auto list = core::parse_resource_list(nlohmann::json::parse(R"({"groupVersion":"v1","resources":[
    {"name":"pods","namespaced":"yes","kind":"Pod","verbs":"get"},{"name":7},"x"]})"), "/api/v1");
  REQUIRE(list.has_value());
  REQUIRE(list->resources.size() == 1);
  CHECK_FALSE(list->resources[0].namespaced);
  CHECK(list->resources[0].verbs.empty());
}

TEST_CASE("group lists: apps/v1 scale subresources and preferred versions") {
  auto apps = core::parse_resource_list(nlohmann::json::parse(testing::kAppsV1), "/apis/apps/v1");
  REQUIRE(apps.has_value());
  const ApiResource* deployments = find(apps->resources, "apps", "deployments");
  REQUIRE(deployments != nullptr);
  CHECK(deployments->has_subresource("scale"));
  CHECK(deployments->group_version() == "apps/v1");
  CHECK(deployments->singular == "deployment");
  for (const auto& sub : apps->subresources)
    if (sub.subresource == "scale") CHECK(sub.group_version == "autoscaling/v1");

  auto groups = core::parse_group_list(nlohmann::json::parse(testing::kApiGroups));
  REQUIRE(groups.has_value());
  REQUIRE(groups->size() == 7);
  CHECK((*groups)[0].name == "apps");
  CHECK((*groups)[2].name == "autoscaling");
  CHECK((*groups)[2].preferred_version == "v1");
  CHECK((*groups)[2].versions.size() == 3);

  // Without preferredVersion the first listed version is the preferred one.
  auto fallback = core::parse_group_list(nlohmann::json::parse(
      R"({"groups":[{"name":"x.io","versions":[{"groupVersion":"x.io/v2","version":"v2"},{"groupVersion":"x.io/v1","version":"v1"}]}]})"));
  REQUIRE(fallback.has_value());
  REQUIRE(fallback->size() == 1);
  CHECK((*fallback)[0].preferred_version == "v2");
}

TEST_CASE("malformed discovery documents are Transport errors naming the path") {
  auto no_group_version = core::parse_resource_list(nlohmann::json::parse(R"({"resources":[]})"),
                                                    "/apis/x/v1");
  REQUIRE_FALSE(no_group_version.has_value());
  CHECK(no_group_version.error().kind == ErrorKind::Transport);
  CHECK(no_group_version.error().message.find("/apis/x/v1") != std::string::npos);
  CHECK_FALSE(core::parse_resource_list(nlohmann::json::array(), "/api/v1").has_value());
  CHECK_FALSE(core::parse_core_versions(nlohmann::json::parse(R"({"versions":[]})")).has_value());
  CHECK_FALSE(core::parse_group_list(nlohmann::json::parse(R"({"groups":5})")).has_value());
}

TEST_CASE("discovery fetches /api, /api/v1, /apis and each preferred version once") {
  FakeApi api;
  auto client = std::make_shared<MockClient>();
  ALLOW_CALL(*client, send(_, _)).LR_RETURN(api.answer(_1));
  auto discovery = core::make_discovery(client);
  CancelToken cancel;

  auto resources = discovery->resources(cancel);
  REQUIRE(resources.has_value());
  // Core resources come first, then the groups in the server's order.
  REQUIRE_FALSE(resources->empty());
  CHECK(resources->front().group.empty());
  CHECK(find(*resources, "apps", "deployments") != nullptr);
  CHECK(find(*resources, "example.com", "foos") != nullptr);
  const ApiResource* hpa = find(*resources, "autoscaling", "horizontalpodautoscalers");
  REQUIRE(hpa != nullptr);
  CHECK(hpa->version == "v1");

  for (const char* path : {"/api", "/api/v1", "/apis", "/apis/apps/v1", "/apis/autoscaling/v1",
                           "/apis/policy/v1beta1", "/apis/example.com/v1"})
    CHECK_MESSAGE(api.count(path) == 1, path);
  CHECK(api.count("/apis/autoscaling/v2beta2") == 0);  // not preferred: not fetched
  CHECK(api.count("/apis/batch/v1beta1") == 0);

  int after_first = api.total();
  REQUIRE(discovery->resources(cancel).has_value());
  REQUIRE(discovery->resolve("deploy", cancel).has_value());
  REQUIRE(discovery->subresource_group_version("pods", "eviction", cancel).has_value());
  CHECK(api.total() == after_first);  // served from the cache
}

TEST_CASE("concurrent first callers share one fetch") {
  FakeApi api;
  auto client = std::make_shared<MockClient>();
  ALLOW_CALL(*client, send(_, _)).LR_RETURN(api.answer(_1));
  auto discovery = core::make_discovery(client);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      CancelToken cancel;
      if (discovery->resolve("sts", cancel).has_value()) ++ok;
    });
  for (auto& t : threads) t.join();
  CHECK(ok == 8);
  CHECK(api.count("/api/v1") == 1);
  CHECK(api.count("/apis/apps/v1") == 1);
}

TEST_CASE("a group whose discovery fails is skipped, and named when a type is unknown") {
  FakeApi api;  // metrics.k8s.io answers 503, as an aggregated API that is down does
  auto client = std::make_shared<MockClient>();
  ALLOW_CALL(*client, send(_, _)).LR_RETURN(api.answer(_1));
  auto discovery = core::make_discovery(client);
  CancelToken cancel;
  auto resources = discovery->resources(cancel);
  REQUIRE(resources.has_value());
  CHECK(find(*resources, "apps", "deployments") != nullptr);

  auto unknown = discovery->resolve("nodemetrics", cancel);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == ErrorKind::NotFound);
  CHECK(unknown.error().hint.find("metrics.k8s.io/v1beta1") != std::string::npos);
}

TEST_CASE("a failed core fetch is returned and not cached") {
  FakeApi api;
  api.set("/api/v1", testing::kUnavailable, 503);
  auto client = std::make_shared<MockClient>();
  ALLOW_CALL(*client, send(_, _)).LR_RETURN(api.answer(_1));
  auto discovery = core::make_discovery(client);
  CancelToken cancel;
  auto first = discovery->resources(cancel);
  REQUIRE_FALSE(first.has_value());
  CHECK(first.error().kind == ErrorKind::Unavailable);
  CHECK(first.error().http_status == 503);

  api.set("/api/v1", testing::kCoreV1);
  CHECK(discovery->resources(cancel).has_value());
  CHECK(api.count("/api/v1") == 2);
}

TEST_CASE("cancellation during group discovery is Cancelled, not a skipped group") {
  FakeApi api;
  auto client = std::make_shared<MockClient>();
  CancelToken cancel;
  ALLOW_CALL(*client, send(_, _))
      .WITH(_1.path != "/apis/batch/v1")
      .LR_RETURN(api.answer(_1));
  ALLOW_CALL(*client, send(_, _))
      .WITH(_1.path == "/apis/batch/v1")
      .LR_SIDE_EFFECT(cancel.cancel())
      .RETURN(orka::fail(ErrorKind::Cancelled, "cancelled"));
  auto discovery = core::make_discovery(client);
  auto result = discovery->resources(cancel);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == ErrorKind::Cancelled);
}

TEST_CASE("subresource_group_version reports who serves a subresource") {
  FakeApi api;
  auto client = std::make_shared<MockClient>();
  ALLOW_CALL(*client, send(_, _)).LR_RETURN(api.answer(_1));
  CancelToken cancel;

  SUBCASE("1.20: eviction is policy/v1beta1") {
    auto discovery = core::make_discovery(client);
    auto eviction = discovery->subresource_group_version("pods", "eviction", cancel);
    REQUIRE(eviction.has_value());
    REQUIRE(eviction->has_value());
    CHECK(**eviction == "policy/v1beta1");
    auto scale = discovery->subresource_group_version("deployments", "scale", cancel);
    REQUIRE(scale.has_value());
    CHECK(scale->value_or("") == "autoscaling/v1");
    auto log = discovery->subresource_group_version("pods", "log", cancel);
    REQUIRE(log.has_value());
    CHECK(log->value_or("") == "v1");
    auto none = discovery->subresource_group_version("pods", "teleport", cancel);
    REQUIRE(none.has_value());
    CHECK_FALSE(none->has_value());
  }
  SUBCASE("1.22+: eviction is policy/v1") {
    api.edit_core([](nlohmann::json& doc) {
      for (auto& entry : doc["resources"])
        if (entry["name"] == "pods/eviction") entry["version"] = "v1";
    });
    auto discovery = core::make_discovery(client);
    auto eviction = discovery->subresource_group_version("pods", "eviction", cancel);
    REQUIRE(eviction.has_value());
    CHECK(eviction->value_or("") == "policy/v1");
  }
  SUBCASE("no eviction at all") {
    api.remove_core_entry("pods/eviction");
    auto discovery = core::make_discovery(client);
    auto eviction = discovery->subresource_group_version("pods", "eviction", cancel);
    REQUIRE(eviction.has_value());
    CHECK_FALSE(eviction->has_value());
  }
}

TEST_CASE("ApiResource paths") {
  ApiResource pods{"", "v1", "pods", "Pod", "pod", true, {}, {}, {}};
  CHECK(pods.group_version_path().str() == "/api/v1");
  CHECK(pods.collection_path("web").str() == "/api/v1/namespaces/web/pods");
  CHECK(pods.collection_path("").str() == "/api/v1/pods");  // all namespaces
  CHECK(pods.object_path("web", "p-1").str() == "/api/v1/namespaces/web/pods/p-1");
  CHECK(pods.group_version() == "v1");

  ApiResource nodes{"", "v1", "nodes", "Node", "node", false, {}, {}, {}};
  CHECK(nodes.collection_path("web").str() == "/api/v1/nodes");  // cluster-scoped ignores namespace
  CHECK(nodes.object_path("web", "n1").str() == "/api/v1/nodes/n1");

  ApiResource deployments{"apps", "v1", "deployments", "Deployment", "deployment", true,
                          {}, {}, {}};
  CHECK(deployments.group_version_path().str() == "/apis/apps/v1");
  CHECK(deployments.object_path("web", "api").str() == "/apis/apps/v1/namespaces/web/deployments/api");
  CHECK(deployments.group_version() == "apps/v1");
}
