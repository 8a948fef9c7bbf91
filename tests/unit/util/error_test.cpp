// Status bodies → orka::Error, and how errors are described and exit.
#include <doctest/doctest.h>

#include "orka/error.hpp"

using namespace orka;

namespace {
std::string status_body(int code, const std::string& reason, const std::string& message) {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")" +
         message + R"(","reason":")" + reason + R"(","code":)" + std::to_string(code) + "}";
}
}  // namespace

TEST_CASE("error_from_http maps Status codes to kinds and keeps the API's message") {
  struct Case {
    int code;
    const char* reason;
    ErrorKind kind;
  };
  for (auto c : {Case{404, "NotFound", ErrorKind::NotFound},
                 Case{409, "Conflict", ErrorKind::Conflict},
                 Case{409, "AlreadyExists", ErrorKind::Conflict},
                 Case{422, "Invalid", ErrorKind::Invalid}, Case{400, "BadRequest", ErrorKind::Invalid},
                 Case{401, "Unauthorized", ErrorKind::Unauthorized},
                 Case{429, "TooManyRequests", ErrorKind::Unavailable},
                 Case{500, "InternalError", ErrorKind::Unavailable},
                 Case{503, "ServiceUnavailable", ErrorKind::Unavailable},
                 Case{504, "Timeout", ErrorKind::Timeout}}) {
    CAPTURE(c.code);
    CAPTURE(c.reason);
    auto e = error_from_http(c.code, status_body(c.code, c.reason, "the message"));
    CHECK(e.kind == c.kind);
    CHECK(e.http_status == c.code);
    CHECK(e.reason == c.reason);
    CHECK(e.message == "the message");
  }
}

TEST_CASE("404 keeps the object's message") {
  auto e = error_from_http(404, status_body(404, "NotFound", "pods \\\"web-0\\\" not found"));
  CHECK(e.kind == ErrorKind::NotFound);
  CHECK(e.message == "pods \"web-0\" not found");
  CHECK(describe(e) == "error: pods \"web-0\" not found (HTTP 404 NotFound)");
}

TEST_CASE("403 names the permission that was needed") {
  Permission needed{"create", "", "pods", "exec", "web", ""};
  auto e = error_from_http(
      403,
      status_body(403, "Forbidden",
                  "pods \\\"api\\\" is forbidden: User \\\"dev\\\" cannot create resource "
                  "\\\"pods/exec\\\" in API group \\\"\\\" in the namespace \\\"web\\\""),
      needed);
  CHECK(e.kind == ErrorKind::Forbidden);
  REQUIRE(e.permission.has_value());
  CHECK(e.permission->verb == "create");
  CHECK(e.hint.find("create pods/exec in namespace \"web\"") != std::string::npos);
  CHECK(e.hint.find("orka ops caps") != std::string::npos);
  auto text = describe(e);
  CHECK(text.find("missing permission: create pods/exec in namespace \"web\"") !=
        std::string::npos);

  auto unknown_need = error_from_http(
      403, status_body(403, "Forbidden",
                       "nodes is forbidden: User \\\"dev\\\" cannot list resource \\\"nodes\\\" in "
                       "API group \\\"\\\" at the cluster scope"));
  CHECK(unknown_need.kind == ErrorKind::Forbidden);
  CHECK_FALSE(unknown_need.permission.has_value());
  CHECK(unknown_need.hint.find("RBAC") != std::string::npos);
  // A needed permission is attached only to Forbidden errors.
  CHECK_FALSE(error_from_http(404, status_body(404, "NotFound", "x"), needed).permission);
}

TEST_CASE("a 403 that is not the authorizer's denial is Refused, never a missing permission") {
  Permission needed{"create", "", "pods", "eviction", "gone-ns", "a"};
  const std::string terminating =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
      R"("message":"pods \"a\" is forbidden: unable to create new content in namespace gone-ns )"
      R"(because it is being terminated","reason":"Forbidden","details":{"name":"a","kind":"pods",)"
      R"("causes":[{"reason":"NamespaceTerminating","message":"namespace gone-ns is being )"
      R"(terminated","field":"metadata.namespace"}]},"code":403})";
  auto e = error_from_http(403, terminating, needed);
  CHECK(e.kind == ErrorKind::Refused);
  CHECK(e.http_status == 403);
  CHECK(e.reason == "Forbidden");
  CHECK_FALSE(e.permission.has_value());
  REQUIRE(e.causes.size() == 1);
  CHECK(e.causes[0].type == "NamespaceTerminating");
  CHECK(e.causes[0].message == "namespace gone-ns is being terminated");
  CHECK(e.causes[0].field == "metadata.namespace");
  CHECK(has_cause(e, kNamespaceTerminatingCause));
  CHECK_FALSE(has_cause(e, "FieldValueInvalid"));
  CHECK(e.hint.find("namespace is being deleted") != std::string::npos);
  const auto text = describe(e);
  CHECK(text.find("missing permission") == std::string::npos);
  CHECK(text.find("Role") == std::string::npos);
  CHECK(text.find("being terminated (HTTP 403 Forbidden)") != std::string::npos);

  // Admission refusals share the reason but not the authorizer's sentence.
  auto quota = error_from_http(
      403, status_body(403, "Forbidden",
                       "pods \\\"a\\\" is forbidden: exceeded quota: q, requested: pods=1, used: "
                       "pods=1, limited: pods=1"),
      needed);
  CHECK(quota.kind == ErrorKind::Refused);
  CHECK_FALSE(quota.permission.has_value());
  CHECK(quota.hint.find("other than authorization") != std::string::npos);

  // A 403 without a Status (a proxy, a kubelet refusing a protocol) says nothing about RBAC.
  auto bare = error_from_http(403, "Forbidden\n", needed);
  CHECK(bare.kind == ErrorKind::Refused);
  CHECK_FALSE(bare.permission.has_value());
  CHECK(describe(bare).find("missing permission") == std::string::npos);

  // The authorizer's denial, with the details it carries (a name and a kind, no causes).
  auto denied = error_from_http(
      403,
      R"({"kind":"Status","status":"Failure","message":"pods \"a\" is forbidden: User \"dev\" )"
      R"(cannot create resource \"pods/eviction\" in API group \"\" in the namespace )"
      R"(\"gone-ns\"","reason":"Forbidden","details":{"name":"a","kind":"pods"},"code":403})",
      needed);
  CHECK(denied.kind == ErrorKind::Forbidden);
  CHECK(denied.permission.has_value());
  CHECK(denied.causes.empty());
}

TEST_CASE("410 Expired (a too old resourceVersion) is a Conflict") {
  auto e = error_from_http(
      410, status_body(410, "Expired", "too old resource version: 123 (456)"));
  CHECK(e.kind == ErrorKind::Conflict);
  CHECK(e.reason == "Expired");
  CHECK(e.http_status == 410);
  // The same reason inside a 200-wrapped watch error (code in the Status only).
  auto in_watch = error_from_http(200, status_body(410, "Expired", "too old"));
  CHECK(in_watch.kind == ErrorKind::Conflict);
  CHECK(in_watch.http_status == 410);
}

TEST_CASE("non-JSON bodies fall back to the raw text or the status line") {
  auto html = error_from_http(502, "<html>Bad Gateway</html>\n");
  CHECK(html.kind == ErrorKind::Unavailable);
  CHECK(html.message == "<html>Bad Gateway</html>");
  CHECK(html.reason.empty());

  auto empty = error_from_http(500, "");
  CHECK(empty.message == "the server answered HTTP 500");

  std::string huge(10'000, 'x');
  CHECK(error_from_http(500, huge).message.size() <= 512);

  // JSON that is not a Status is kept as text, not misread.
  auto other = error_from_http(400, R"({"error":"nope"})");
  CHECK(other.kind == ErrorKind::Invalid);
  CHECK(other.message == R"({"error":"nope"})");
}

TEST_CASE("exit codes: usage 2, cancelled 130, everything else 1") {
  CHECK(exit_code_for(make_error(ErrorKind::Usage, "x")) == 2);
  CHECK(exit_code_for(make_error(ErrorKind::Cancelled, "x")) == 130);
  CHECK(exit_code_for(make_error(ErrorKind::NotFound, "x")) == 1);
  CHECK(exit_code_for(make_error(ErrorKind::Internal, "x")) == 1);
}

TEST_CASE("describe adds a hint line; Permission::describe wording") {
  auto e = make_error(ErrorKind::Usage, "bad flag", "see --help");
  CHECK(describe(e) == "error: bad flag\nhint: see --help");
  CHECK(Permission{"patch", "", "nodes", "", "", ""}.describe() == "patch nodes (cluster-scoped)");
  CHECK(Permission{"patch", "apps", "deployments", "scale", "web", "api"}.describe() ==
        "patch deployments.apps/scale named \"api\" in namespace \"web\"");
  CHECK(to_string(ErrorKind::Forbidden) == "Forbidden");
}

// Found by tests/fuzz/util/status_json: nlohmann's value() threw type_error for a Status whose
// message, reason or kind is not a string, so a broken proxy's answer became an exception.
TEST_CASE("a Status with fields of other types still becomes an error with a message") {
  const std::string body = R"({"kind":"Status","message":7,"reason":["Forbidden"],"code":"401"})";
  Error e = error_from_http(401, body);
  CHECK(e.kind == ErrorKind::Unauthorized);
  CHECK(e.http_status == 401);
  CHECK(e.reason.empty());
  CHECK(e.message == body);  // no usable message: the body itself
  Error not_status = error_from_http(500, R"({"kind":5,"message":"x"})");
  CHECK(not_status.kind == ErrorKind::Unavailable);
  CHECK(not_status.message == R"({"kind":5,"message":"x"})");
  // A code that is no HTTP error, or does not fit an int, leaves the HTTP line's status.
  CHECK(error_from_http(404, R"({"kind":"Status","code":4294967701,"message":"m"})").http_status == 404);
  CHECK(error_from_http(404, R"({"kind":"Status","code":200,"message":"m"})").http_status == 404);
  CHECK(error_from_http(400, R"({"kind":"Status","code":409,"message":"m"})").kind == ErrorKind::Conflict);
}
