#include <doctest/doctest.h>

#include "fake_api.hpp"
#include "scale.hpp"

using namespace orka;
using namespace orka::testing;
using trompeloeil::_;

namespace {
const std::string kDeploy = "/apis/apps/v1/namespaces/web/deployments/api";
const std::string kScale = kDeploy + "/scale";

nlohmann::json scale_object(int replicas, const std::string& rv = "7") {
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata", {{"name", "api"}, {"namespace", "web"}, {"resourceVersion", rv}}},
          {"spec", {{"replicas", replicas}}},
          {"status", {{"replicas", replicas}}}};
}

// `ready` < 0: as many ready, updated and available as present.
nlohmann::json deployment(int spec, int status, int generation = 2, int observed = 2,
                          int ready = -1) {
  if (ready < 0) ready = status;
  return {{"kind", "Deployment"},
          {"metadata", {{"name", "api"}, {"namespace", "web"}, {"generation", generation},
                        {"resourceVersion", "20"}}},
          {"spec", {{"replicas", spec}}},
          {"status", {{"replicas", status}, {"readyReplicas", ready}, {"updatedReplicas", status},
                      {"availableReplicas", ready}, {"observedGeneration", observed}}}};
}

nlohmann::json status(int code, const std::string& reason, const std::string& message) {
  return {{"kind", "Status"}, {"code", code}, {"reason", reason}, {"message", message}};
}
}  // namespace

TEST_CASE("subresource mode: merge patch on /scale, reporting the count before") {
  MockedCluster cluster;
  cluster.api.on("GET", kScale, 200, scale_object(2));
  REQUIRE_CALL(*cluster.mock, send(_, _))
      .WITH(_1.method == "PATCH" && _1.path == kScale &&
            _1.content_type == "application/merge-patch+json" &&
            nlohmann::json::parse(_1.body) == nlohmann::json{{"spec", {{"replicas", 5}}}} &&
            _1.permission && _1.permission->verb == "patch" && _1.permission->group == "apps" &&
            _1.permission->resource == "deployments" && _1.permission->subresource == "scale")
      .RETURN(json_response(200, scale_object(5).dump()));
  scale::ScaleOps ops(cluster.services);
  auto outcome = ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, 5, ScaleMode::Subresource, {}});
  REQUIRE(outcome);
  CHECK(outcome->resource == "deployments.apps/api");
  CHECK(outcome->previous_replicas == 2);
  CHECK(outcome->replicas == 5);
}

TEST_CASE("custom resources with a scale subresource scale too; without one they are refused") {
  MockedCluster cluster;
  cluster.api.on("GET", "/apis/example.com/v1/namespaces/web/widgets/w/scale", 200, scale_object(1));
  cluster.api.on("PATCH", "/apis/example.com/v1/namespaces/web/widgets/w/scale", 200, scale_object(3));
  scale::ScaleOps ops(cluster.services);
  auto widget = ops.run(ScaleRequest{ObjectRef{"", "widgets.example.com", "w"}, 3, ScaleMode::Subresource, {}});
  REQUIRE(widget);
  CHECK(widget->resource == "widgets.example.com/w");

  auto gadget = ops.run(ScaleRequest{ObjectRef{"", "gadgets", "g"}, 3, ScaleMode::Subresource, {}});
  REQUIRE_FALSE(gadget);
  CHECK(gadget.error().kind == ErrorKind::Refused);
  CHECK(gadget.error().message == "gadgets.example.com has no scale subresource");
  CHECK(gadget.error().hint.find("--mode apply") != std::string::npos);
}

TEST_CASE("--current-replicas: a mismatch is refused and nothing is written") {
  MockedCluster cluster;
  cluster.api.on("GET", kScale, 200, scale_object(2));
  scale::ScaleOps ops(cluster.services);
  ScaleOptions options;
  options.current_replicas = 3;
  auto outcome = ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, 5, ScaleMode::Subresource, options});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Refused);
  CHECK(outcome.error().message.find("has 2 replicas, not 3") != std::string::npos);
  CHECK(cluster.api.count("PUT") == 0);
  CHECK(cluster.api.count("PATCH") == 0);
}

TEST_CASE("--current-replicas: PUT with the read resourceVersion, re-read on Conflict") {
  MockedCluster cluster;
  cluster.api.on_sequence("GET", kScale,
                          {Answer{200, scale_object(2, "7").dump()},
                           Answer{200, scale_object(2, "8").dump()}});
  cluster.api.on_sequence(
      "PUT", kScale,
      {Answer{409, status(409, "Conflict", "the object has been modified").dump()},
       Answer{200, scale_object(4, "9").dump()}});
  scale::ScaleOps ops(cluster.services);
  ScaleOptions options;
  options.current_replicas = 2;
  auto outcome = ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, 4, ScaleMode::Subresource, options});
  REQUIRE(outcome);
  CHECK(outcome->previous_replicas == 2);
  auto puts = cluster.api.find("PUT", kScale);
  REQUIRE(puts.size() == 2);
  auto first = nlohmann::json::parse(puts[0].body);
  auto second = nlohmann::json::parse(puts[1].body);
  CHECK(first["metadata"]["resourceVersion"] == "7");
  CHECK(second["metadata"]["resourceVersion"] == "8");
  CHECK(second["spec"]["replicas"] == 4);
  REQUIRE(puts[0].permission);
  CHECK(puts[0].permission->verb == "update");
  CHECK(puts[0].permission->subresource == "scale");
}

TEST_CASE("--current-replicas: a change seen after a Conflict is refused") {
  MockedCluster cluster;
  cluster.api.on_sequence("GET", kScale,
                          {Answer{200, scale_object(2, "7").dump()},
                           Answer{200, scale_object(6, "8").dump()}});
  cluster.api.on("PUT", kScale, 409, status(409, "Conflict", "the object has been modified"));
  scale::ScaleOps ops(cluster.services);
  ScaleOptions options;
  options.current_replicas = 2;
  auto outcome = ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, 4, ScaleMode::Subresource, options});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Refused);
  CHECK(cluster.api.find("PUT", kScale).size() == 1);
}

TEST_CASE("apply mode: server-side apply of spec.replicas only") {
  MockedCluster cluster;
  cluster.api.on("GET", kDeploy, 200, deployment(2, 2));
  REQUIRE_CALL(*cluster.mock, send(_, _))
      .WITH(_1.method == "PATCH" && _1.path == kDeploy + "?fieldManager=orka" &&
            _1.content_type == "application/apply-patch+yaml" &&
            nlohmann::json::parse(_1.body) ==
                nlohmann::json{{"apiVersion", "apps/v1"},
                               {"kind", "Deployment"},
                               {"metadata", {{"name", "api"}, {"namespace", "web"}}},
                               {"spec", {{"replicas", 4}}}} &&
            _1.permission && _1.permission->verb == "patch" && _1.permission->subresource.empty())
      .RETURN(json_response(200, deployment(4, 2).dump()));
  scale::ScaleOps ops(cluster.services);
  auto outcome = ops.run(ScaleRequest{ObjectRef{"", "deployment", "api"}, 4, ScaleMode::Apply, {}});
  REQUIRE(outcome);
  CHECK(outcome->previous_replicas == 2);
}

TEST_CASE("apply mode works for resources without a scale subresource") {
  MockedCluster cluster;
  const std::string path = "/apis/example.com/v1/namespaces/web/gadgets/g";
  cluster.api.on("GET", path, 200, {{"spec", {{"replicas", 1}}}});
  cluster.api.on("PATCH", path, 200, {{"spec", {{"replicas", 2}}}});
  scale::ScaleOps ops(cluster.services);
  auto outcome = ops.run(ScaleRequest{ObjectRef{"", "gadgets", "g"}, 2, ScaleMode::Apply, {}});
  REQUIRE(outcome);
  auto patch = cluster.api.find("PATCH", path);
  REQUIRE(patch.size() == 1);
  CHECK(nlohmann::json::parse(patch[0].body)["kind"] == "Gadget");
}

TEST_CASE("an apply conflict names the owner and suggests --force-conflicts") {
  MockedCluster cluster;
  cluster.api.on("GET", kDeploy, 200, deployment(2, 2));
  cluster.api.on("PATCH", kDeploy, 409,
                 status(409, "Conflict",
                        "Apply failed with 1 conflict: conflict with \"helm\" using apps/v1: .spec.replicas"));
  scale::ScaleOps ops(cluster.services);
  auto outcome = ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, 4, ScaleMode::Apply, {}});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Conflict);
  CHECK(outcome.error().message == "spec.replicas of deployments.apps/api is owned by field manager \"helm\"");
  CHECK(outcome.error().hint.find("--force-conflicts") != std::string::npos);
  CHECK(cluster.api.find("PATCH", kDeploy).size() == 1);  // no blind retry

  ScaleOptions force;
  force.force_conflicts = true;
  cluster.api.on("PATCH", kDeploy, 200, deployment(4, 2));
  REQUIRE(ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, 4, ScaleMode::Apply, force}));
  auto patches = cluster.api.find("PATCH", kDeploy);
  CHECK(patches.back().path == kDeploy + "?fieldManager=orka&force=true");
}

TEST_CASE("apply mode with --current-replicas sends the resourceVersion as a precondition") {
  MockedCluster cluster;
  cluster.api.on("GET", kDeploy, 200, deployment(3, 3));
  cluster.api.on("PATCH", kDeploy, 200, deployment(1, 3));
  scale::ScaleOps ops(cluster.services);
  ScaleOptions options;
  options.current_replicas = 3;
  REQUIRE(ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, 1, ScaleMode::Apply, options}));
  auto patch = cluster.api.find("PATCH", kDeploy);
  REQUIRE(patch.size() == 1);
  CHECK(nlohmann::json::parse(patch[0].body)["metadata"]["resourceVersion"] == "20");

  options.current_replicas = 5;
  auto refused = ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, 1, ScaleMode::Apply, options});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Refused);
}

TEST_CASE("scale errors: unknown type, forbidden names the permission, bad counts") {
  MockedCluster cluster;
  scale::ScaleOps ops(cluster.services);
  auto unknown = ops.run(ScaleRequest{ObjectRef{"", "nosuch", "x"}, 1, ScaleMode::Subresource, {}});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == ErrorKind::NotFound);

  cluster.api.on("GET", kScale, 200, scale_object(1));
  cluster.api.on("PATCH", kScale, 403,
                 status(403, "Forbidden",
                        "deployments.apps \"api\" is forbidden: User \"dev\" cannot patch resource "
                        "\"deployments/scale\" in API group \"apps\" in the namespace \"web\""));
  auto forbidden = ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, 2, ScaleMode::Subresource, {}});
  REQUIRE_FALSE(forbidden);
  CHECK(forbidden.error().kind == ErrorKind::Forbidden);
  REQUIRE(forbidden.error().permission);
  CHECK(forbidden.error().permission->describe().find("deployments") != std::string::npos);
  CHECK(forbidden.error().permission->subresource == "scale");

  // The op's own rule, in its own terms: a field error a command maps to its flag.
  auto negative = ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, -1, ScaleMode::Subresource, {}});
  REQUIRE_FALSE(negative);
  CHECK(negative.error().kind == ErrorKind::Invalid);
  CHECK(negative.error().message == "replicas must be 0 or more");
  CHECK(negative.error().causes.at(0).field == "replicas");
}

TEST_CASE("scale_progress: generation, spec and status must agree, and the replicas be ready") {
  using S = scale::ScaleProgress::State;
  using R = scale::ReadyRule;
  const auto rule = R::UpdatedAndAvailable;
  CHECK(scale::scale_progress(deployment(3, 3), 3, "d", rule).state == S::Done);
  CHECK(scale::scale_progress(deployment(3, 1), 3, "d", rule).state == S::Waiting);
  CHECK(scale::scale_progress(deployment(3, 3, 3, 2), 3, "d", rule).state == S::Waiting);
  CHECK(scale::scale_progress(deployment(4, 3), 3, "d", rule).state == S::Failed);
  nlohmann::json zero = deployment(0, 0);
  zero["status"].erase("replicas");  // the API omits zero counts
  CHECK(scale::scale_progress(zero, 0, "d", rule).state == S::Done);

  SUBCASE("all present but not all ready is not done for the kinds that report readiness") {
    const auto present_not_ready = deployment(3, 3, 2, 2, 1);
    auto waiting = scale::scale_progress(present_not_ready, 3, "d", rule);
    CHECK(waiting.state == S::Waiting);
    CHECK(waiting.message == "waiting for d: 1 of 3 updated and available (3 present, 1 ready)");
    CHECK(scale::scale_progress(present_not_ready, 3, "rs", R::ReadyAndAvailable).state == S::Waiting);
    CHECK(scale::scale_progress(present_not_ready, 3, "sts", R::Ready).state == S::Waiting);
    auto unknown = scale::scale_progress(present_not_ready, 3, "widgets.example.com/w", R::PresentOnly);
    CHECK(unknown.state == S::Done);
    CHECK(unknown.message == "widgets.example.com/w: 3 of 3 present; its status has no ready count");
  }
  SUBCASE("a Deployment with old pods not yet updated is not done") {
    auto rolling = deployment(3, 3);
    rolling["status"]["updatedReplicas"] = 2;
    CHECK(scale::scale_progress(rolling, 3, "d", rule).state == S::Waiting);
    CHECK(scale::scale_progress(rolling, 3, "d", R::Ready).state == S::Done);
  }
  SUBCASE("a scale down waits for the pods on their way out") {
    auto shrinking = deployment(1, 3, 2, 2, 1);
    shrinking["status"]["updatedReplicas"] = 1;
    CHECK(scale::scale_progress(shrinking, 1, "d", rule).state == S::Waiting);
  }
}

TEST_CASE("ready_rule: by group and resource") {
  auto rule_for = [](std::string group, std::string resource) {
    ApiResource r;
    r.group = std::move(group);
    r.resource = std::move(resource);
    return scale::ready_rule(r);
  };
  CHECK(rule_for("apps", "deployments") == scale::ReadyRule::UpdatedAndAvailable);
  CHECK(rule_for("apps", "statefulsets") == scale::ReadyRule::Ready);
  CHECK(rule_for("apps", "replicasets") == scale::ReadyRule::ReadyAndAvailable);
  CHECK(rule_for("", "replicationcontrollers") == scale::ReadyRule::ReadyAndAvailable);
  CHECK(rule_for("example.com", "deployments") == scale::ReadyRule::PresentOnly);
}

TEST_CASE("scale --wait follows the object until status.replicas matches") {
  MockedCluster cluster;
  cluster.api.on("GET", kScale, 200, scale_object(1));
  cluster.api.on("PATCH", kScale, 200, scale_object(3));
  cluster.api.on("GET", "/apis/apps/v1/namespaces/web/deployments?", 200,
                 {{"metadata", {{"resourceVersion", "30"}}}, {"items", {deployment(3, 1, 3, 2)}}});
  cluster.api.add_stream({watch_line("MODIFIED", deployment(3, 2, 3, 3)),
                          watch_line("MODIFIED", deployment(3, 3, 3, 3))});
  std::vector<std::string> messages;
  ScaleOptions options;
  options.wait = true;
  options.timeout = std::chrono::seconds(5);
  options.progress = [&](const ProgressEvent& e) { messages.push_back(e.phase + ": " + e.message); };
  scale::ScaleOps ops(cluster.services);
  auto outcome = ops.run(ScaleRequest{ObjectRef{"", "deploy", "api"}, 3, ScaleMode::Subresource, options});
  REQUIRE(outcome);
  REQUIRE(messages.size() == 3);
  CHECK(messages[0].find("observe") != std::string::npos);
  CHECK(messages[1] ==
        "waiting: waiting for deployments.apps/api: 2 of 3 updated and available (2 present, 2 ready)");
  CHECK(messages[2].rfind("done:", 0) == 0);
}

TEST_CASE("conflicting_manager reads the manager out of an apply conflict") {
  CHECK(scale::conflicting_manager("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas") == "kubectl-edit");
  CHECK(scale::conflicting_manager("the object has been modified").empty());
}
