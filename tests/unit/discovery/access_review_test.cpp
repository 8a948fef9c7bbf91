// can_i: the SelfSubjectAccessReview request and how its answer is read.
#include <doctest/doctest.h>

#include "mock_client.hpp"
#include "orka/discovery.hpp"

using namespace orka;
using orka::testing::json_response;
using orka::testing::MockClient;
using trompeloeil::_;

TEST_CASE("can_i posts a SelfSubjectAccessReview with the exact attributes") {
  MockClient client;
  Request seen;
  REQUIRE_CALL(client, send(_, _))
      .LR_SIDE_EFFECT(seen = _1)
      .RETURN(json_response(201, R"({"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1",
        "spec":{},"status":{"allowed":true,"reason":"RBAC: allowed by RoleBinding \"dev/web\""}})"));
  CancelToken cancel;
  Permission what{"create", "", "pods", "exec", "web", "api-0"};
  auto decision = can_i(client, what, cancel);
  REQUIRE(decision.has_value());
  CHECK(decision->allowed);
  CHECK(decision->reason == "RBAC: allowed by RoleBinding \"dev/web\"");

  CHECK(seen.method == "POST");
  CHECK(seen.path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
  CHECK(seen.content_type == "application/json");
  auto body = nlohmann::json::parse(seen.body);
  CHECK(body["apiVersion"] == "authorization.k8s.io/v1");
  CHECK(body["kind"] == "SelfSubjectAccessReview");
  auto attributes = body["spec"]["resourceAttributes"];
  CHECK(attributes["verb"] == "create");
  CHECK(attributes["resource"] == "pods");
  CHECK(attributes["subresource"] == "exec");
  CHECK(attributes["namespace"] == "web");
  CHECK(attributes["name"] == "api-0");
  CHECK_FALSE(attributes.contains("group"));  // core: left out rather than ""
}

TEST_CASE("can_i leaves out empty scope fields: all namespaces, cluster-scoped") {
  MockClient client;
  nlohmann::json attributes;
  REQUIRE_CALL(client, send(_, _))
      .LR_SIDE_EFFECT(attributes = nlohmann::json::parse(_1.body)["spec"]["resourceAttributes"])
      .RETURN(json_response(201, R"({"status":{"allowed":false}})"));
  CancelToken cancel;
  auto decision = can_i(client, Permission{"patch", "apps", "deployments", "", "", ""}, cancel);
  REQUIRE(decision.has_value());
  CHECK_FALSE(decision->allowed);
  CHECK(attributes["group"] == "apps");
  CHECK_FALSE(attributes.contains("namespace"));
  CHECK_FALSE(attributes.contains("name"));
  CHECK_FALSE(attributes.contains("subresource"));
}

TEST_CASE("can_i: denied wins over allowed; evaluation errors are kept in the reason") {
  MockClient client;
  CancelToken cancel;
  SUBCASE("denied") {
    REQUIRE_CALL(client, send(_, _))
        .RETURN(json_response(
            201, R"({"status":{"allowed":true,"denied":true,"reason":"webhook said no"}})"));
    auto decision = can_i(client, Permission{"delete", "", "pods", "", "web", ""}, cancel);
    REQUIRE(decision.has_value());
    CHECK_FALSE(decision->allowed);
    CHECK(decision->reason == "webhook said no");
  }
  SUBCASE("evaluation error") {
    REQUIRE_CALL(client, send(_, _))
        .RETURN(json_response(
            201,
            R"({"status":{"allowed":false,"reason":"no rule","evaluationError":"role \"x\" not found"}})"));
    auto decision = can_i(client, Permission{"delete", "", "pods", "", "web", ""}, cancel);
    REQUIRE(decision.has_value());
    CHECK(decision->reason == "no rule; role \"x\" not found");
  }
  SUBCASE("wrongly typed fields are read as not allowed, without throwing") {
    REQUIRE_CALL(client, send(_, _))
        .RETURN(json_response(201, R"({"status":{"allowed":"yes","reason":7}})"));
    auto decision = can_i(client, Permission{"delete", "", "pods", "", "web", ""}, cancel);
    REQUIRE(decision.has_value());
    CHECK_FALSE(decision->allowed);
    CHECK(decision->reason.empty());
  }
}

TEST_CASE("can_i: transport errors pass through; a body without status is an error") {
  MockClient client;
  CancelToken cancel;
  SUBCASE("403 from the server") {
    REQUIRE_CALL(client, send(_, _))
        .RETURN(std::unexpected(error_from_http(
            403, R"({"kind":"Status","message":"selfsubjectaccessreviews.authorization.k8s.io is forbidden: User \"dev\" cannot create resource \"selfsubjectaccessreviews\" in API group \"authorization.k8s.io\" at the cluster scope","reason":"Forbidden","code":403})")));
    auto decision = can_i(client, Permission{"get", "", "pods", "log", "web", ""}, cancel);
    REQUIRE_FALSE(decision.has_value());
    CHECK(decision.error().kind == ErrorKind::Forbidden);
  }
  SUBCASE("garbage") {
    REQUIRE_CALL(client, send(_, _)).RETURN(json_response(201, "<html>proxy</html>"));
    auto decision = can_i(client, Permission{"get", "", "pods", "log", "web", ""}, cancel);
    REQUIRE_FALSE(decision.has_value());
    CHECK(decision.error().kind == ErrorKind::Transport);
    CHECK(decision.error().message.find("get pods/log") != std::string::npos);
  }
}
