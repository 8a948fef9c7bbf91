// orka/pod_targets.hpp: what POD, TYPE/NAME and svc/NAME mean, and the pod an op picks.
#include <doctest/doctest.h>
#include <doctest/trompeloeil.hpp>

#include "mock_client.hpp"
#include "orka/pod_targets.hpp"

using namespace orka;
using orka::testing::MockClient;
using orka::testing::json_response;
using trompeloeil::_;

// trompeloeil asks every returned value whether it equals null; libstdc++ 12's std::expected
// answers with an unconstrained operator== that needs this comparison on the value type.
namespace orka::ORKA_ABI_NAMESPACE {
[[maybe_unused]] static bool operator==(const Response&, const trompeloeil::indirect_null&) { return false; }
[[maybe_unused]] static bool operator==(const Response&, std::nullptr_t) { return false; }
}  // namespace orka::ORKA_ABI_NAMESPACE

TEST_CASE("target parsing") {
  auto pod = parse_pod_target("web-1", false);
  REQUIRE(pod);
  CHECK(pod->kind == PodTargetKind::Pod);
  CHECK(pod->name == "web-1");
  auto deploy = parse_pod_target("deploy/web", false);
  REQUIRE(deploy);
  CHECK(deploy->kind == PodTargetKind::Deployment);
  CHECK(parse_pod_target("deployments.apps/web", false)->kind == PodTargetKind::Deployment);
  CHECK(parse_pod_target("STS/db", false)->kind == PodTargetKind::StatefulSet);
  CHECK(parse_pod_target("job/x", false)->kind == PodTargetKind::Job);
  CHECK(parse_pod_target("po/x", false)->kind == PodTargetKind::Pod);
  CHECK(parse_pod_target("svc/web", true)->kind == PodTargetKind::Service);
  auto no_service = parse_pod_target("svc/web", false);
  REQUIRE_FALSE(no_service);
  CHECK(no_service.error().kind == ErrorKind::Usage);
  CHECK_FALSE(parse_pod_target("configmap/x", true));
  CHECK_FALSE(parse_pod_target("deploy/", true));
  CHECK_FALSE(parse_pod_target("a/b/c", true));
  CHECK_FALSE(parse_pod_target("", true));
}

TEST_CASE("label selector from matchLabels and matchExpressions") {
  auto selector = nlohmann::json::parse(R"({
    "matchLabels": {"app": "web", "tier": "front"},
    "matchExpressions": [
      {"key": "env", "operator": "In", "values": ["prod", "stage"]},
      {"key": "canary", "operator": "DoesNotExist"},
      {"key": "zone", "operator": "NotIn", "values": ["a"]},
      {"key": "team", "operator": "Exists"}]})");
  auto text = label_selector_string(selector, "deployment/web");
  REQUIRE(text);
  CHECK(*text == "app=web,tier=front,env in (prod,stage),!canary,zone notin (a),team");
  auto empty = label_selector_string(nlohmann::json::object(), "deployment/web");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message.find("empty selector") != std::string::npos);
}

TEST_CASE("a deployment's pods come from its selector") {
  MockClient client;
  CancelToken cancel;
  trompeloeil::sequence seq;
  REQUIRE_CALL(client, send(_, _))
      .WITH(_1.path == "/apis/apps/v1/namespaces/web/deployments/api")
      .WITH(_1.permission && _1.permission->resource == "deployments" && _1.permission->group == "apps")
      .IN_SEQUENCE(seq)
      .RETURN(json_response(200, R"({"spec":{"selector":{"matchLabels":{"app":"api"}}}})"));
  REQUIRE_CALL(client, send(_, _))
      .WITH(_1.path == "/api/v1/namespaces/web/pods?labelSelector=app%3Dapi")
      .IN_SEQUENCE(seq)
      .RETURN(json_response(200, R"({"items":[{"metadata":{"name":"api-1"}},{"metadata":{"name":"api-2"}}]})"));
  auto pods = resolve_pods(client, "web", PodTarget{PodTargetKind::Deployment, "api"}, cancel);
  REQUIRE(pods);
  REQUIRE(pods->size() == 2);
  CHECK(pod_name((*pods)[1]) == "api-2");
}

namespace {
Result<Response> not_found(const std::string& message) {
  Error error = make_error(ErrorKind::NotFound, message);
  error.http_status = 404;
  return std::unexpected(error);
}

// One GET of `path`, answered with `reply`.
std::unique_ptr<trompeloeil::expectation> expect_get(MockClient& client, const std::string& path,
                                                     Result<Response> reply) {
  return NAMED_REQUIRE_CALL(client, send(_, _)).WITH(_1.path == path).RETURN(reply);
}
}  // namespace

TEST_CASE("a missing workload is the API's NotFound") {
  MockClient client;
  CancelToken cancel;
  auto deployment = expect_get(client, "/apis/apps/v1/namespaces/web/deployments/x",
                               not_found("deployments.apps \"x\" not found"));
  // The namespace exists, so the 404 is about the deployment.
  auto ns = expect_get(client, "/api/v1/namespaces/web", json_response(200, R"({"kind":"Namespace"})"));
  auto pods = resolve_pods(client, "web", PodTarget{PodTargetKind::Deployment, "x"}, cancel);
  REQUIRE_FALSE(pods);
  CHECK(pods.error().kind == ErrorKind::NotFound);
  CHECK(pods.error().message == "deployments.apps \"x\" not found");
}

TEST_CASE("a pod looked for in a namespace that does not exist names the namespace") {
  MockClient client;
  CancelToken cancel;
  auto pod_get = expect_get(client, "/api/v1/namespaces/gone/pods/p", not_found("pods \"p\" not found"));
  auto ns = expect_get(client, "/api/v1/namespaces/gone", not_found("namespaces \"gone\" not found"));
  auto pod = get_pod(client, "gone", "p", cancel);
  REQUIRE_FALSE(pod);
  CHECK(pod.error().kind == ErrorKind::NotFound);
  CHECK(pod.error().message == "namespace \"gone\" does not exist (pods \"p\" not found)");
  CHECK(pod.error().hint.find("kubectl get namespaces") != std::string::npos);
}

TEST_CASE("pod targets refuse names the API server would refuse, before any request") {
  CHECK(parse_pod_target("p?dryRun=All", false).error().kind == ErrorKind::Usage);
  CHECK(parse_pod_target("deploy/x?a=", false).error().message.find("deployment name") == 0);
  // Services follow the DNS-1035 label rule: no leading digit, no dot.
  CHECK(parse_pod_target("svc/1web", true).error().message.find("service name") == 0);
  CHECK(parse_pod_target("svc/a.b", true).error().kind == ErrorKind::Usage);
  CHECK(parse_pod_target("sts/a.b", false));
  MockClient client;  // no call allowed: a bad name or namespace sends nothing
  CancelToken cancel;
  CHECK(get_pod(client, "web", "p\r\nX: y", cancel).error().kind == ErrorKind::Usage);
  CHECK(get_pod(client, "web/x?y=", "p", cancel).error().kind == ErrorKind::Usage);
  CHECK(list_pods(client, "WEB", "app=x", cancel).error().kind == ErrorKind::Usage);
}

TEST_CASE("a service's pods come from its map selector") {
  MockClient client;
  CancelToken cancel;
  REQUIRE_CALL(client, send(_, _))
      .WITH(_1.path == "/api/v1/namespaces/web/services/front")
      .RETURN(json_response(200, R"({"spec":{"selector":{"app":"front"}}})"));
  auto selector = target_selector(client, "web", PodTarget{PodTargetKind::Service, "front"}, cancel);
  REQUIRE(selector);
  CHECK(*selector == "app=front");
}

TEST_CASE("pick_pod prefers running and ready, the oldest first") {
  auto pods = nlohmann::json::parse(R"([
    {"metadata":{"name":"pending","creationTimestamp":"2024-01-01T00:00:00Z"},"status":{"phase":"Pending"}},
    {"metadata":{"name":"unready","creationTimestamp":"2024-01-01T00:00:01Z"},
     "status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}]}},
    {"metadata":{"name":"young","creationTimestamp":"2024-01-03T00:00:00Z"},
     "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}},
    {"metadata":{"name":"old","creationTimestamp":"2024-01-02T00:00:00Z"},
     "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}])");
  std::vector<nlohmann::json> list(pods.begin(), pods.end());
  auto picked = pick_pod(list, PodTarget{PodTargetKind::Deployment, "web"}, "ns");
  REQUIRE(picked);
  CHECK(pod_name(*picked) == "old");
  std::vector<nlohmann::json> none{pods[0]};
  auto missing = pick_pod(none, PodTarget{PodTargetKind::Deployment, "web"}, "ns");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("deployment/web") != std::string::npos);
}

TEST_CASE("containers and the default container") {
  auto pod = nlohmann::json::parse(R"({"metadata":{"annotations":{"kubectl.kubernetes.io/default-container":"main"}},
    "spec":{"initContainers":[{"name":"init"}],"containers":[{"name":"sidecar"},{"name":"main"}]}})");
  CHECK(container_names(pod, false) == std::vector<std::string>{"sidecar", "main"});
  CHECK(container_names(pod, true) == std::vector<std::string>{"init", "sidecar", "main"});
  CHECK(default_container(pod) == "main");
  pod["metadata"].erase("annotations");
  CHECK(default_container(pod) == "sidecar");
}

// Found by tests/fuzz/api/pod_targets: value() threw on a selector expression or a pod condition
// whose fields have other types.
TEST_CASE("selectors and pod conditions of other shapes: a clear error or false, no exception") {
  auto odd = nlohmann::json::parse(R"({"matchLabels":{"a":1},"matchExpressions":[
    {"key":5,"operator":["In"],"values":"x"}, 7]})");
  auto selector = label_selector_string(odd, "deployment/web");
  REQUIRE_FALSE(selector);
  CHECK(selector.error().kind == ErrorKind::Invalid);
  CHECK(selector.error().message.find("without a key") != std::string::npos);  // key 5: none
  auto bad_operator = label_selector_string(nlohmann::json::parse(
      R"({"matchExpressions":[{"key":"tier","operator":["In"]}]})"), "deployment/web");
  REQUIRE_FALSE(bad_operator);
  CHECK(bad_operator.error().message.find("operator") != std::string::npos);
  CHECK(label_selector_string(nlohmann::json::parse(
      R"({"matchExpressions":[{"key":"tier","operator":"In","values":[1,"front"]}]})"), "x").value() ==
        "tier in (front)");
  // Found by tests/fuzz/api/pod_targets: a keyless Exists was an empty term, so the selector
  // was "" and would have listed every pod of the namespace.
  auto keyless = label_selector_string(nlohmann::json::parse(
      R"({"matchExpressions":[{"operator":"Exists"}]})"), "deployment/web");
  REQUIRE_FALSE(keyless);
  CHECK(keyless.error().message.find("without a key") != std::string::npos);
  CHECK_FALSE(pod_ready(nlohmann::json::parse(R"({"status":{"conditions":[{"type":1},"Ready",
    {"type":"Ready","status":true}]}})")));
}
