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

  auto unknown_need = error_from_http(403, status_body(403, "Forbidden", "forbidden"));
  CHECK_FALSE(unknown_need.permission.has_value());
  CHECK_FALSE(unknown_need.hint.empty());
  // A needed permission is attached only to Forbidden errors.
  CHECK_FALSE(error_from_http(404, status_body(404, "NotFound", "x"), needed).permission);
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
