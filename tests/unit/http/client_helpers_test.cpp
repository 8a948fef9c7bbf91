#include <doctest/doctest.h>

#include "mock_client.hpp"

using trompeloeil::_;

namespace {

// trompeloeil prints every RETURN value and its null check trips over std::expected's
// unconstrained operator== in libstdc++ 12: return a plain wrapper that converts instead.
struct Reply {
  orka::Result<orka::Response> result;
  operator orka::Result<orka::Response>() const { return result; }  // NOLINT: implicit on purpose
};

Reply ok(int status, const std::string& body) { return {orka::testing::json_response(status, body)}; }

}  // namespace

TEST_CASE("get_json sends a GET with the permission and parses the body") {
  orka::testing::MockClient client;
  orka::CancelToken cancel;
  orka::Permission needed{"get", "", "pods", "", "web", ""};
  REQUIRE_CALL(client, send(_, _))
      .WITH(_1.method == "GET" && _1.path == "/api/v1/namespaces/web/pods" && _1.body.empty() &&
            _1.permission && _1.permission->resource == "pods")
      .RETURN(ok(200, R"({"kind":"PodList","items":[]})"));
  const auto pods = orka::ApiPath::group_version("", "v1").in_namespace("web").segment("pods");
  auto json = orka::get_json(client, pods, cancel, needed);
  REQUIRE(json);
  CHECK((*json)["kind"] == "PodList");
}

TEST_CASE("get_json passes errors through and refuses a non-JSON body") {
  orka::testing::MockClient client;
  orka::CancelToken cancel;
  SUBCASE("error") {
    REQUIRE_CALL(client, send(_, _))
        .RETURN(Reply{std::unexpected(
            orka::error_from_http(404, R"({"kind":"Status","message":"nope"})"))});
    auto json = orka::get_json(client, orka::ApiPath().segment("x"), cancel);
    REQUIRE_FALSE(json);
    CHECK(json.error().kind == orka::ErrorKind::NotFound);
    CHECK(json.error().message == "nope");
  }
  SUBCASE("not JSON") {
    REQUIRE_CALL(client, send(_, _)).RETURN(ok(200, "<html>"));
    auto json = orka::get_json(client, orka::ApiPath().segment("x"), cancel);
    REQUIRE_FALSE(json);
    CHECK(json.error().kind == orka::ErrorKind::Transport);
    CHECK(json.error().message.find("not JSON") != std::string::npos);
  }
}

TEST_CASE("send_json serialises the body with its content type") {
  orka::testing::MockClient client;
  orka::CancelToken cancel;
  REQUIRE_CALL(client, send(_, _))
      .WITH(_1.method == "PATCH" && _1.content_type == "application/merge-patch+json" &&
            nlohmann::json::parse(_1.body) == nlohmann::json{{"spec", {{"replicas", 3}}}})
      .RETURN(ok(200, R"({"ok":true})"));
  const auto deployment =
      orka::ApiPath::group_version("apps", "v1").in_namespace("a").segment("deployments").segment("d");
  auto json = orka::send_json(client, "PATCH", deployment, {{"spec", {{"replicas", 3}}}},
                              "application/merge-patch+json", cancel);
  REQUIRE(json);
  CHECK((*json)["ok"] == true);

  REQUIRE_CALL(client, send(_, _))
      .WITH(_1.method == "DELETE" && _1.body.empty() && _1.content_type.empty())
      .RETURN(ok(200, ""));
  auto deleted =
      orka::send_json(client, "DELETE", orka::ApiPath().segment("x"), nullptr, "", cancel);
  REQUIRE(deleted);
  CHECK(deleted->is_null());
}
