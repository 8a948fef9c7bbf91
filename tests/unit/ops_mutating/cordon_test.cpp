#include <doctest/doctest.h>

#include "cordon.hpp"
#include "fake_api.hpp"

using namespace orka;
using namespace orka::testing;
using trompeloeil::_;

namespace {
nlohmann::json node(bool unschedulable) {
  nlohmann::json n = {{"kind", "Node"}, {"metadata", {{"name", "n1"}}}, {"spec", nlohmann::json::object()}};
  if (unschedulable) n["spec"]["unschedulable"] = true;
  return n;
}
}  // namespace

TEST_CASE("cordon patches spec.unschedulable with a merge patch") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/nodes/n1", 200, node(false));
  REQUIRE_CALL(*cluster.mock, send(_, _))
      .WITH(_1.method == "PATCH" && _1.path == "/api/v1/nodes/n1" &&
            _1.content_type == "application/merge-patch+json" &&
            nlohmann::json::parse(_1.body) == nlohmann::json{{"spec", {{"unschedulable", true}}}} &&
            _1.permission && _1.permission->verb == "patch" && _1.permission->resource == "nodes")
      .RETURN(json_response(200, node(true).dump()));
  cordon::CordonOps ops(cluster.services);
  auto outcome = ops.run(CordonRequest{"n1", true, CancelToken{}});
  REQUIRE(outcome);
  CHECK(outcome->changed);
  CHECK(outcome->node == "n1");
}

TEST_CASE("cordon of a cordoned node writes nothing") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/nodes/n1", 200, node(true));
  cordon::CordonOps ops(cluster.services);
  auto outcome = ops.run(CordonRequest{"n1", true, CancelToken{}});
  REQUIRE(outcome);
  CHECK_FALSE(outcome->changed);
  CHECK(cluster.api.count("PATCH") == 0);
}

TEST_CASE("uncordon sets unschedulable false; an uncordoned node is left alone") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/nodes/n1", 200, node(true));
  cluster.api.on("PATCH", "/api/v1/nodes/n1", 200, node(false));
  cordon::CordonOps ops(cluster.services);
  auto outcome = ops.run(CordonRequest{"n1", false, CancelToken{}});
  REQUIRE(outcome);
  CHECK(outcome->changed);
  auto patches = cluster.api.find("PATCH", "/api/v1/nodes/n1");
  REQUIRE(patches.size() == 1);
  CHECK(nlohmann::json::parse(patches[0].body)["spec"]["unschedulable"] == false);

  cluster.api.on("GET", "/api/v1/nodes/n1", 200, node(false));
  auto again = ops.run(CordonRequest{"n1", false, CancelToken{}});
  REQUIRE(again);
  CHECK_FALSE(again->changed);
  CHECK(cluster.api.count("PATCH") == 1);
}

TEST_CASE("a forbidden cordon names the missing permission") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/nodes/n1", 200, node(false));
  cluster.api.on("PATCH", "/api/v1/nodes/n1", 403,
                 {{"kind", "Status"}, {"code", 403}, {"reason", "Forbidden"},
                  {"message", "nodes \"n1\" is forbidden: User \"dev\" cannot patch resource \"nodes\" "
                              "in API group \"\" at the cluster scope"}});
  cordon::CordonOps ops(cluster.services);
  auto outcome = ops.run(CordonRequest{"n1", true, CancelToken{}});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Forbidden);
  REQUIRE(outcome.error().permission);
  CHECK(outcome.error().permission->verb == "patch");
  CHECK(outcome.error().permission->resource == "nodes");
  CHECK(outcome.error().permission->name == "n1");
}

TEST_CASE("cordon of an unknown node says which") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/nodes/", 404, {{"kind", "Status"}, {"code", 404}, {"message", "nope"}});
  cordon::CordonOps ops(cluster.services);
  auto outcome = ops.run(CordonRequest{"ghost", true, CancelToken{}});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::NotFound);
  CHECK(outcome.error().message == "node \"ghost\" not found");
}

TEST_CASE("a cordon cut on the way (or answered 503) is sent again: the same merge patch is harmless") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/nodes/n1", 200, node(false));
  cluster.api.on_sequence("PATCH", "/api/v1/nodes/n1",
                          {Answer{0, "PATCH /api/v1/nodes/n1: connection reset; the request had "
                                     "been sent, so the server may have applied it"},
                           Answer{503, "busy"}, Answer{200, node(true).dump()}});
  cordon::CordonOps ops(cluster.services);
  auto outcome = ops.run(CordonRequest{"n1", true, CancelToken{}});
  REQUIRE_MESSAGE(outcome, (outcome ? "" : outcome.error().message));
  CHECK(outcome->changed);
  CHECK(cluster.api.find("PATCH", "/api/v1/nodes/n1").size() == 3);
}

TEST_CASE("a cordon refused for good is not repeated") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/nodes/n1", 200, node(false));
  cluster.api.on("PATCH", "/api/v1/nodes/n1", 422,
                 {{"kind", "Status"}, {"code", 422}, {"reason", "Invalid"}, {"message", "no"}});
  cordon::CordonOps ops(cluster.services);
  auto outcome = ops.run(CordonRequest{"n1", true, CancelToken{}});
  REQUIRE_FALSE(outcome);
  CHECK(cluster.api.find("PATCH", "/api/v1/nodes/n1").size() == 1);
}
