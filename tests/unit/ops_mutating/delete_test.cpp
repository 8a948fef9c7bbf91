#include <doctest/doctest.h>

#include "delete.hpp"
#include "fake_api.hpp"

using namespace orka;
using namespace orka::testing;
using trompeloeil::_;
using orka::podsdelete::effective_grace_period;

namespace {
nlohmann::json pod(const std::string& name, const std::string& uid) {
  return {{"kind", "Pod"}, {"metadata", {{"name", name}, {"namespace", "web"}, {"uid", uid}}}};
}
const std::string kPodPath = "/api/v1/namespaces/web/pods/api-1";
}  // namespace

TEST_CASE("kubectl's grace/force rules") {
  using G = std::optional<std::int64_t>;
  struct Row {
    G requested;
    bool force;
    G expected;
  };
  const Row rows[] = {
      {std::nullopt, false, std::nullopt},  // the pod's own grace period
      {G(0), false, G(1)},                  // 0 without --force becomes 1
      {G(0), true, G(0)},
      {std::nullopt, true, G(0)},           // --force alone means immediate
      {G(30), false, G(30)},
      {G(30), true, G(30)},                 // --force ignored: grace is not 0
      {G(1), false, G(1)},
  };
  for (const auto& row : rows) {
    CAPTURE(row.requested.value_or(-1));
    CAPTURE(row.force);
    CHECK(effective_grace_period(row.requested, row.force) == row.expected);
  }
  CHECK(podsdelete::force_warning(std::nullopt, false).empty());
  CHECK(podsdelete::force_warning(std::nullopt, true).find("Immediate deletion") == 0);
  CHECK(podsdelete::force_warning(G(5), true) == "--force is ignored because --grace-period is not 0.");
}

TEST_CASE("delete sends a UID precondition learned from a GET") {
  MockedCluster cluster;
  cluster.api.on("GET", kPodPath, 200, pod("api-1", "uid-1"));
  REQUIRE_CALL(*cluster.mock, send(_, _))
      .WITH(_1.method == "DELETE" && _1.path == kPodPath &&
            nlohmann::json::parse(_1.body) ==
                nlohmann::json{{"apiVersion", "v1"},
                               {"kind", "DeleteOptions"},
                               {"preconditions", {{"uid", "uid-1"}}},
                               {"gracePeriodSeconds", 1}} &&
            _1.permission && _1.permission->verb == "delete" && _1.permission->namespace_ == "web")
      .RETURN(json_response(200, pod("api-1", "uid-1").dump()));
  podsdelete::DeleteOps ops(cluster.services);
  DeleteOptions options;
  options.grace_period_seconds = 0;  // becomes 1 without --force
  auto outcome = ops.run(DeleteRequest{PodRef{"", "api-1"}, options});
  REQUIRE(outcome);
  CHECK(outcome->pod == "web/api-1");
  CHECK(outcome->uid == "uid-1");
  CHECK_FALSE(outcome->gone);
}

TEST_CASE("without a grace period the body carries none (the pod's own applies)") {
  MockedCluster cluster;
  cluster.api.on("GET", kPodPath, 200, pod("api-1", "uid-1"));
  cluster.api.on("DELETE", kPodPath, 200, pod("api-1", "uid-1"));
  podsdelete::DeleteOps ops(cluster.services);
  REQUIRE(ops.run(DeleteRequest{PodRef{"other", "api-1"}, DeleteOptions{}}).has_value() == false);
  auto outcome = ops.run(DeleteRequest{PodRef{"web", "api-1"}, DeleteOptions{}});
  REQUIRE(outcome);
  auto deletes = cluster.api.find("DELETE", kPodPath);
  REQUIRE(deletes.size() == 1);
  CHECK_FALSE(nlohmann::json::parse(deletes[0].body).contains("gracePeriodSeconds"));
}

TEST_CASE("a pod replaced between GET and DELETE is left alone") {
  MockedCluster cluster;
  cluster.api.on("GET", kPodPath, 200, pod("api-1", "uid-1"));
  cluster.api.on("DELETE", kPodPath, 409,
                 {{"kind", "Status"}, {"code", 409}, {"reason", "Conflict"},
                  {"message", "Precondition failed: UID in precondition: uid-1, UID in object meta: uid-2"}});
  podsdelete::DeleteOps ops(cluster.services);
  auto outcome = ops.run(DeleteRequest{PodRef{"", "api-1"}, DeleteOptions{}});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Conflict);
  CHECK(outcome.error().message.find("replaced") != std::string::npos);
  CHECK(outcome.error().message.find("uid-1") != std::string::npos);
}

TEST_CASE("a pod already gone at DELETE time counts as deleted") {
  MockedCluster cluster;
  cluster.api.on("GET", kPodPath, 200, pod("api-1", "uid-1"));
  cluster.api.on("DELETE", kPodPath, 404, {{"kind", "Status"}, {"code", 404}, {"message", "gone"}});
  podsdelete::DeleteOps ops(cluster.services);
  auto outcome = ops.run(DeleteRequest{PodRef{"", "api-1"}, DeleteOptions{}});
  REQUIRE(outcome);
  CHECK(outcome->gone);
}

TEST_CASE("delete --wait returns once that UID is gone, not when the name is free") {
  MockedCluster cluster;
  cluster.api.on("GET", kPodPath, 200, pod("api-1", "uid-1"));
  cluster.api.on("DELETE", kPodPath, 200, pod("api-1", "uid-1"));
  nlohmann::json terminating = pod("api-1", "uid-1");
  terminating["metadata"]["deletionTimestamp"] = "2026-11-26T10:00:00Z";
  terminating["metadata"]["resourceVersion"] = "10";
  cluster.api.on("GET", "/api/v1/namespaces/web/pods?", 200,
                 {{"kind", "PodList"}, {"metadata", {{"resourceVersion", "10"}}}, {"items", {terminating}}});
  nlohmann::json replacement = pod("api-1", "uid-2");
  replacement["metadata"]["resourceVersion"] = "12";
  cluster.api.add_stream({watch_line("MODIFIED", terminating),
                          watch_line("DELETED", terminating) + watch_line("ADDED", replacement)});
  std::vector<std::string> phases;
  DeleteOptions options;
  options.wait = true;
  options.timeout = std::chrono::seconds(5);
  options.progress = [&](const ProgressEvent& e) { phases.push_back(e.phase); };
  podsdelete::DeleteOps ops(cluster.services);
  auto outcome = ops.run(DeleteRequest{PodRef{"", "api-1"}, options});
  REQUIRE(outcome);
  CHECK(outcome->gone);
  CHECK(phases == std::vector<std::string>{"deleted", "waiting", "gone"});
  auto lists = cluster.api.find("GET", "/api/v1/namespaces/web/pods?");
  REQUIRE(lists.size() == 1);
  CHECK(lists[0].path == "/api/v1/namespaces/web/pods?fieldSelector=metadata.name%3Dapi-1");
  auto watches = cluster.api.stream_requests();
  REQUIRE(watches.size() == 1);
  CHECK(watches[0].path.find("watch=true") != std::string::npos);
  CHECK(watches[0].path.find("resourceVersion=10") != std::string::npos);
}

TEST_CASE("delete --wait times out naming the pod") {
  MockedCluster cluster;
  cluster.api.on("GET", kPodPath, 200, pod("api-1", "uid-1"));
  cluster.api.on("DELETE", kPodPath, 200, pod("api-1", "uid-1"));
  cluster.api.on("GET", "/api/v1/namespaces/web/pods?", 200,
                 {{"kind", "PodList"}, {"metadata", {{"resourceVersion", "10"}}},
                  {"items", {pod("api-1", "uid-1")}}});
  // Every watch ends at once with nothing: the op keeps re-watching until the deadline.
  for (int i = 0; i < 2000; ++i) cluster.api.add_stream({});
  DeleteOptions options;
  options.wait = true;
  options.timeout = std::chrono::milliseconds(300);
  podsdelete::DeleteOps ops(cluster.services);
  auto outcome = ops.run(DeleteRequest{PodRef{"", "api-1"}, options});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Timeout);
  CHECK(outcome.error().message.find("web/api-1 still exists") != std::string::npos);
}
