#include <doctest/doctest.h>

#include "fake_api.hpp"
#include "rr.hpp"

using namespace orka;
using namespace orka::testing;
using trompeloeil::_;
using State = orka::rr::RolloutStatus::State;

namespace {

nlohmann::json deploy(std::int64_t generation, std::int64_t observed, std::int64_t spec,
                      std::int64_t replicas, std::int64_t updated, std::int64_t available) {
  return {{"metadata", {{"name", "api"}, {"generation", generation}}},
          {"spec", {{"replicas", spec}}},
          {"status", {{"observedGeneration", observed}, {"replicas", replicas},
                      {"updatedReplicas", updated}, {"availableReplicas", available}}}};
}

nlohmann::json daemonset(std::int64_t generation, std::int64_t observed, std::int64_t desired,
                         std::int64_t updated, std::int64_t available) {
  return {{"metadata", {{"name", "agent"}, {"generation", generation}}},
          {"spec", {{"updateStrategy", {{"type", "RollingUpdate"}}}}},
          {"status", {{"observedGeneration", observed}, {"desiredNumberScheduled", desired},
                      {"updatedNumberScheduled", updated}, {"numberAvailable", available}}}};
}

nlohmann::json statefulset(std::int64_t generation, std::int64_t observed, std::int64_t spec,
                           std::int64_t ready, std::int64_t updated,
                           std::optional<std::int64_t> partition) {
  nlohmann::json strategy = {{"type", "RollingUpdate"}};
  if (partition) strategy["rollingUpdate"] = {{"partition", *partition}};
  return {{"metadata", {{"name", "db"}, {"generation", generation}}},
          {"spec", {{"replicas", spec}, {"updateStrategy", strategy}}},
          {"status", {{"observedGeneration", observed}, {"readyReplicas", ready},
                      {"updatedReplicas", updated}, {"currentRevision", "db-1"},
                      {"updateRevision", updated >= spec ? "db-1" : "db-2"}}}};
}

}  // namespace

TEST_CASE("deployment rollout status follows kubectl's rules") {
  struct Row {
    nlohmann::json object;
    State state;
    const char* message;
  };
  nlohmann::json deadline = deploy(2, 2, 3, 3, 1, 1);
  deadline["status"]["conditions"] = {
      {{"type", "Progressing"}, {"status", "False"}, {"reason", "ProgressDeadlineExceeded"}}};
  nlohmann::json deadline_unobserved = deadline;
  deadline_unobserved["metadata"]["generation"] = 3;
  const Row rows[] = {
      {deploy(3, 2, 3, 3, 3, 3), State::Waiting, "Waiting for deployment spec update to be observed..."},
      {deploy(2, 2, 3, 3, 1, 1), State::Waiting,
       "Waiting for deployment \"api\" rollout to finish: 1 out of 3 new replicas have been updated..."},
      {deploy(2, 2, 3, 4, 3, 3), State::Waiting,
       "Waiting for deployment \"api\" rollout to finish: 1 old replicas are pending termination..."},
      {deploy(2, 2, 3, 3, 3, 2), State::Waiting,
       "Waiting for deployment \"api\" rollout to finish: 2 of 3 updated replicas are available..."},
      {deploy(2, 2, 3, 3, 3, 3), State::Done, "deployment \"api\" successfully rolled out"},
      {deploy(2, 3, 3, 3, 3, 3), State::Done, "deployment \"api\" successfully rolled out"},
      {deadline, State::Failed, "deployment \"api\" exceeded its progress deadline"},
      {deadline_unobserved, State::Waiting, "Waiting for deployment spec update to be observed..."},
  };
  for (const auto& row : rows) {
    auto status = rr::rollout_status("Deployment", row.object);
    CAPTURE(row.object.dump());
    CHECK(status.state == row.state);
    CHECK(status.message == row.message);
  }
}

TEST_CASE("daemonset rollout status follows kubectl's rules") {
  CHECK(rr::rollout_status("DaemonSet", daemonset(2, 1, 2, 2, 2)).message ==
        "Waiting for daemon set spec update to be observed...");
  CHECK(rr::rollout_status("DaemonSet", daemonset(2, 2, 3, 1, 1)).message ==
        "Waiting for daemon set \"agent\" rollout to finish: 1 out of 3 new pods have been updated...");
  CHECK(rr::rollout_status("DaemonSet", daemonset(2, 2, 3, 3, 2)).message ==
        "Waiting for daemon set \"agent\" rollout to finish: 2 of 3 updated pods are available...");
  auto done = rr::rollout_status("DaemonSet", daemonset(2, 2, 3, 3, 3));
  CHECK(done.state == State::Done);
  CHECK(done.message == "daemon set \"agent\" successfully rolled out");
  nlohmann::json on_delete = daemonset(2, 2, 3, 3, 3);
  on_delete["spec"]["updateStrategy"]["type"] = "OnDelete";
  CHECK(rr::rollout_status("DaemonSet", on_delete).state == State::Failed);
}

TEST_CASE("statefulset rollout status follows kubectl's rules") {
  CHECK(rr::rollout_status("StatefulSet", statefulset(2, 0, 3, 3, 3, 0)).message ==
        "Waiting for statefulset spec update to be observed...");
  CHECK(rr::rollout_status("StatefulSet", statefulset(3, 2, 3, 3, 3, 0)).state == State::Waiting);
  CHECK(rr::rollout_status("StatefulSet", statefulset(2, 2, 3, 1, 1, 0)).message ==
        "Waiting for 2 pods to be ready...");
  CHECK(rr::rollout_status("StatefulSet", statefulset(2, 2, 3, 3, 1, 0)).message ==
        "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...");
  auto partitioned = rr::rollout_status("StatefulSet", statefulset(2, 2, 3, 3, 1, 2));
  CHECK(partitioned.state == State::Done);
  CHECK(partitioned.message == "partitioned roll out complete: 1 new pods have been updated...");
  // Without a rollingUpdate block: the revisions decide.
  CHECK(rr::rollout_status("StatefulSet", statefulset(2, 2, 3, 3, 1, std::nullopt)).message ==
        "waiting for statefulset rolling update to complete 1 pods at revision db-2...");
  CHECK(rr::rollout_status("StatefulSet", statefulset(2, 2, 3, 3, 3, std::nullopt)).state == State::Done);
}

TEST_CASE("rr patches the restartedAt annotation with a strategic merge patch") {
  MockedCluster cluster;
  const std::string path = "/apis/apps/v1/namespaces/web/deployments/api";
  cluster.api.on("GET", path, 200, deploy(1, 1, 1, 1, 1, 1));
  REQUIRE_CALL(*cluster.mock, send(_, _))
      .WITH(_1.method == "PATCH" && _1.path == path &&
            _1.content_type == "application/strategic-merge-patch+json" &&
            _1.permission && _1.permission->verb == "patch" && _1.permission->group == "apps")
      .SIDE_EFFECT({
        auto body = nlohmann::json::parse(_1.body);
        auto at = body["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"];
        CHECK(at.is_string());
        CHECK(body.size() == 1);
      })
      .RETURN(json_response(200, deploy(2, 1, 1, 1, 1, 1).dump()));
  rr::RolloutOps ops(cluster.services);
  auto outcome = ops.run(RolloutRequest{ObjectRef{"", "deploy", "api"}, {}});
  REQUIRE(outcome);
  CHECK(outcome->resource == "deployment/api");
  CHECK(outcome->restarted_at.size() == 20);  // 2026-11-26T10:00:00Z
  CHECK(outcome->restarted_at.back() == 'Z');
}

TEST_CASE("rr refuses a paused deployment and kinds it cannot restart") {
  MockedCluster cluster;
  nlohmann::json paused = deploy(1, 1, 1, 1, 1, 1);
  paused["spec"]["paused"] = true;
  cluster.api.on("GET", "/apis/apps/v1/namespaces/web/deployments/api", 200, paused);
  rr::RolloutOps ops(cluster.services);
  auto refused = ops.run(RolloutRequest{ObjectRef{"", "deployment", "api"}, {}});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Refused);
  CHECK(refused.error().message.find("is paused") != std::string::npos);
  CHECK(refused.error().hint.find("rollout resume") != std::string::npos);
  CHECK(cluster.api.count("PATCH") == 0);

  auto replicaset = ops.run(RolloutRequest{ObjectRef{"", "rs", "api-123"}, {}});
  REQUIRE_FALSE(replicaset);
  CHECK(replicaset.error().kind == ErrorKind::Refused);
  CHECK(replicaset.error().message.find("deployments, statefulsets and daemonsets") != std::string::npos);
  CHECK(replicaset.error().message.find("ReplicaSet") != std::string::npos);
}

TEST_CASE("rr --wait watches until the rollout completes; a progress deadline fails it") {
  MockedCluster cluster;
  const std::string path = "/apis/apps/v1/namespaces/web/deployments/api";
  cluster.api.on("GET", path, 200, deploy(1, 1, 2, 2, 2, 2));
  cluster.api.on("PATCH", path, 200, deploy(2, 1, 2, 2, 2, 2));
  cluster.api.on("GET", "/apis/apps/v1/namespaces/web/deployments?", 200,
                 {{"metadata", {{"resourceVersion", "5"}}}, {"items", {deploy(2, 1, 2, 2, 2, 2)}}});
  cluster.api.add_stream({watch_line("MODIFIED", deploy(2, 2, 2, 3, 1, 2)),
                          watch_line("MODIFIED", deploy(2, 2, 2, 2, 2, 1)),
                          watch_line("MODIFIED", deploy(2, 2, 2, 2, 2, 2))});
  std::vector<std::string> phases;
  RolloutOptions options;
  options.wait = true;
  options.timeout = std::chrono::seconds(5);
  options.progress = [&](const ProgressEvent& e) { phases.push_back(e.phase); };
  rr::RolloutOps ops(cluster.services);
  auto outcome = ops.run(RolloutRequest{ObjectRef{"", "deploy", "api"}, options});
  REQUIRE(outcome);
  CHECK(phases == std::vector<std::string>{"restarted", "waiting", "waiting", "waiting", "done"});

  nlohmann::json stuck = deploy(2, 2, 2, 3, 1, 1);
  stuck["status"]["conditions"] = {{{"type", "Progressing"}, {"reason", "ProgressDeadlineExceeded"}}};
  cluster.api.add_stream({watch_line("MODIFIED", stuck)});
  auto failed = ops.run(RolloutRequest{ObjectRef{"", "deploy", "api"}, options});
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == ErrorKind::Timeout);
  CHECK(failed.error().message == "deployment \"api\" exceeded its progress deadline");
}
