// Aggregated discovery (apidiscovery.k8s.io/v2, Kubernetes 1.26+): the whole walk in two
// documents. The documents here follow k8s.io/api/apidiscovery/v2's types (field names, the
// preference order of versions, Stale freshness); the local 1.20 cluster cannot serve them, so
// the real-server check is the classic walk in the integration suite.
#include <doctest/doctest.h>

#include <map>
#include <mutex>

#include "discovery/discovery_client.hpp"
#include "discovery/discovery_document.hpp"
#include "orka/client.hpp"
#include "send_only_client.hpp"

using namespace orka;

namespace {

const char* kAggregatedCore = R"({"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},
 "items":[{"metadata":{"name":"","creationTimestamp":null},"versions":[{"version":"v1","freshness":"Current","resources":[
  {"resource":"pods","responseKind":{"group":"","version":"v1","kind":"Pod"},"scope":"Namespaced","singularResource":"pod",
   "verbs":["create","delete","get","list","patch","watch"],"shortNames":["po"],"categories":["all"],
   "subresources":[{"subresource":"eviction","responseKind":{"group":"policy","version":"v1","kind":"Eviction"},"verbs":["create"]},
                   {"subresource":"exec","responseKind":{"group":"","version":"v1","kind":"PodExecOptions"},"verbs":["create","get"]},
                   {"subresource":"log","responseKind":{"group":"","version":"v1","kind":"Pod"},"verbs":["get"]}]},
  {"resource":"nodes","responseKind":{"group":"","version":"v1","kind":"Node"},"scope":"Cluster","singularResource":"node",
   "verbs":["get","list","patch"],"shortNames":["no"]}]}]}]})";

const char* kAggregatedGroups = R"({"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},
 "items":[
  {"metadata":{"name":"apps"},"versions":[{"version":"v1","freshness":"Current","resources":[
   {"resource":"deployments","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},"scope":"Namespaced",
    "singularResource":"deployment","verbs":["get","list","patch"],"shortNames":["deploy"],
    "subresources":[{"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch"]},
                    {"subresource":"status","verbs":["get"]}]}]}]},
  {"metadata":{"name":"example.com"},"versions":[
   {"version":"v2","freshness":"Current","resources":[{"resource":"foos","responseKind":{"group":"example.com","version":"v2","kind":"Foo"},
     "scope":"Namespaced","singularResource":"foo","verbs":["get"]}]},
   {"version":"v1","freshness":"Current","resources":[{"resource":"foos","responseKind":{"group":"example.com","version":"v1","kind":"Foo"},
     "scope":"Namespaced","singularResource":"foo","verbs":["get"]}]}]},
  {"metadata":{"name":"metrics.k8s.io"},"versions":[{"version":"v1beta1","freshness":"Stale"}]}]})";

// Answers /api and /apis with the aggregated documents when the Accept asks for them.
class AggregatingClient final : public orka::testing::SendOnlyClient {
 public:
  Result<Response> send(const Request& request, const CancelToken&) override {
    std::lock_guard lock(mutex_);
    ++counts[request.path];
    accepts[request.path] = request.accept;
    const bool wants = request.accept.find("g=apidiscovery.k8s.io;v=v2;") != std::string::npos;
    Response response;
    response.status = 200;
    if (request.path == "/api" && wants) response.body = kAggregatedCore;
    else if (request.path == "/apis" && wants) response.body = kAggregatedGroups;
    else return fail(ErrorKind::NotFound, "not served in this test: " + request.path);
    return response;
  }

  std::mutex mutex_;
  std::map<std::string, int> counts;
  std::map<std::string, std::string> accepts;
};

}  // namespace

TEST_CASE("an aggregated discovery server is walked with two requests") {
  auto client = std::make_shared<AggregatingClient>();
  auto discovery = core::make_discovery(client);
  CancelToken cancel;
  auto deploy = discovery->resolve("deploy", cancel);
  REQUIRE(deploy.has_value());
  CHECK(deploy->group == "apps");
  CHECK(deploy->version == "v1");
  CHECK(deploy->kind == "Deployment");
  CHECK(deploy->has_subresource("scale"));
  CHECK(deploy->has_subresource("status"));

  auto node = discovery->resolve("no", cancel);
  REQUIRE(node.has_value());
  CHECK_FALSE(node->namespaced);
  auto pod = discovery->resolve("pod", cancel);
  REQUIRE(pod.has_value());
  CHECK(pod->namespaced);
  CHECK(pod->group.empty());
  CHECK(pod->has_subresource("exec"));

  // A subresource's body version comes from its responseKind.
  auto eviction = discovery->subresource_group_version("pods", "eviction", cancel);
  REQUIRE(eviction.has_value());
  CHECK(eviction->value_or("") == "policy/v1");
  auto scale = discovery->subresource_group_version("deployments", "scale", cancel);
  REQUIRE(scale.has_value());
  CHECK(scale->value_or("") == "autoscaling/v1");

  // The first version listed is the preferred one.
  auto foo = discovery->resolve("foos.example.com", cancel);
  REQUIRE(foo.has_value());
  CHECK(foo->version == "v2");

  CHECK(client->counts.size() == 2);
  CHECK(client->counts["/api"] == 1);
  CHECK(client->counts["/apis"] == 1);
  CHECK(client->accepts["/apis"].ends_with(",application/json"));  // classic as the fallback
}

TEST_CASE("a Stale group version counts as unavailable, not as served") {
  auto parsed = core::parse_aggregated_discovery(nlohmann::json::parse(kAggregatedGroups), "/apis");
  REQUIRE(parsed.has_value());
  REQUIRE(parsed->has_value());
  CHECK((*parsed)->stale == std::vector<std::string>{"metrics.k8s.io/v1beta1"});
  for (const auto& r : (*parsed)->preferred.resources) CHECK(r.group != "metrics.k8s.io");

  auto client = std::make_shared<AggregatingClient>();
  auto missing = core::make_discovery(client)->resolve("pods.metrics.k8s.io", CancelToken{});
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().hint.find("metrics.k8s.io/v1beta1") != std::string::npos);
}

TEST_CASE("a classic document is not mistaken for an aggregated one") {
  auto classic = nlohmann::json::parse(
      R"({"kind":"APIGroupList","groups":[{"name":"apps","versions":[{"version":"v1"}]}]})");
  auto parsed = core::parse_aggregated_discovery(classic, "/apis");
  REQUIRE(parsed.has_value());
  CHECK_FALSE(parsed->has_value());
  auto broken = core::parse_aggregated_discovery(
      nlohmann::json::parse(R"({"kind":"APIGroupDiscoveryList","items":7})"), "/apis");
  CHECK_FALSE(broken.has_value());
}
