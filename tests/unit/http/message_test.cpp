#include <doctest/doctest.h>

#include <string>

#include "transport/http_message.hpp"

using namespace orka::core;

namespace {

const std::string kHead =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 2\r\n"
    "X-Folded: a\r\n"
    "  b\r\n"
    "\r\n";

}  // namespace

TEST_CASE("parse_response_head needs the whole head, at every split position") {
  std::string bytes = kHead + "{}";
  for (std::size_t cut = 0; cut < kHead.size(); ++cut) {
    auto partial = parse_response_head(std::string_view(bytes).substr(0, cut));
    REQUIRE_MESSAGE(partial, "cut at " << cut);
    CHECK_MESSAGE(!partial->has_value(), "cut at " << cut);
  }
  auto parsed = parse_response_head(bytes);
  REQUIRE(parsed);
  REQUIRE(parsed->has_value());
  const auto& head = (*parsed)->head;
  CHECK((*parsed)->consumed == kHead.size());
  CHECK(head.status == 200);
  CHECK(head.reason == "OK");
  CHECK(head.version_minor == 1);
  CHECK(head.header("content-type") == "application/json");
  CHECK(head.header("X-Folded") == "a b");
  CHECK(head.header("Missing").empty());
}

TEST_CASE("parse_response_head accepts bare LF lines and a missing reason") {
  auto parsed = parse_response_head("HTTP/1.0 204\nA: 1\n\nrest");
  REQUIRE(parsed);
  REQUIRE(parsed->has_value());
  CHECK((*parsed)->head.status == 204);
  CHECK((*parsed)->head.version_minor == 0);
  CHECK((*parsed)->head.reason.empty());
  CHECK((*parsed)->consumed == std::string("HTTP/1.0 204\nA: 1\n\n").size());
}

TEST_CASE("parse_response_head rejects garbage with a Transport error") {
  for (const char* bad : {"HTTP/2 200 OK\r\n\r\n", "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "HTTP/1.1 200 OK\r\nA : b\r\n\r\n",
                          "HTTP/1.1 200 OK\r\n folded-first\r\n\r\n"}) {
    auto parsed = parse_response_head(bad);
    REQUIRE_FALSE_MESSAGE(parsed, bad);
    CHECK(parsed.error().kind == orka::ErrorKind::Transport);
  }
  std::string huge = "HTTP/1.1 200 OK\r\nX: " + std::string(max_response_head_size, 'a');
  CHECK_FALSE(parse_response_head(huge));
}

TEST_CASE("body_framing follows RFC 9112 precedence") {
  auto head_with = [](int status, orka::Headers headers, int minor = 1) {
    ResponseHead head;
    head.status = status;
    head.version_minor = minor;
    head.headers = std::move(headers);
    return head;
  };
  auto chunked = body_framing(head_with(200, {{"Transfer-Encoding", "gzip, chunked"},
                                              {"Content-Length", "5"}}),
                              "GET");
  REQUIRE(chunked);
  CHECK(chunked->kind == BodyKind::Chunked);

  auto length = body_framing(head_with(200, {{"Content-Length", " 42 "}}), "GET");
  REQUIRE(length);
  CHECK(length->kind == BodyKind::ContentLength);
  CHECK(length->length == 42);

  CHECK(body_framing(head_with(200, {{"Content-Length", "42"}}), "HEAD")->kind == BodyKind::None);
  CHECK(body_framing(head_with(204, {}), "GET")->kind == BodyKind::None);
  CHECK(body_framing(head_with(304, {{"Content-Length", "9"}}), "GET")->kind == BodyKind::None);
  CHECK(body_framing(head_with(200, {}), "GET")->kind == BodyKind::UntilClose);
  CHECK_FALSE(body_framing(head_with(200, {{"Content-Length", "-1"}}), "GET"));
  CHECK_FALSE(body_framing(head_with(200, {{"Content-Length", "1"}, {"Content-Length", "2"}}), "GET"));
  CHECK(body_framing(head_with(200, {{"Content-Length", "3"}, {"Content-Length", "3"}}), "GET"));
}

TEST_CASE("keeps_alive: HTTP/1.1 by default, HTTP/1.0 only when asked, never until-close") {
  BodyFraming length{BodyKind::ContentLength, 1};
  ResponseHead head;
  head.status = 200;
  CHECK(keeps_alive(head, length));
  head.headers = {{"Connection", "keep-alive, Close"}};
  CHECK_FALSE(keeps_alive(head, length));
  head.headers.clear();
  head.version_minor = 0;
  CHECK_FALSE(keeps_alive(head, length));
  head.headers = {{"Connection", "Keep-Alive"}};
  CHECK(keeps_alive(head, length));
  CHECK_FALSE(keeps_alive(head, BodyFraming{BodyKind::UntilClose, 0}));
}

TEST_CASE("format_request writes the request line, Host, headers and Content-Length") {
  auto get = format_request("GET", "/api/v1/pods?limit=1", "127.0.0.1:6443",
                            {{"Accept", "application/json"}}, "");
  REQUIRE(get);
  CHECK(*get ==
        "GET /api/v1/pods?limit=1 HTTP/1.1\r\nHost: 127.0.0.1:6443\r\nAccept: application/json\r\n\r\n");

  auto patch = format_request("PATCH", "/x", "h", {}, "{\"a\":1}");
  REQUIRE(patch);
  CHECK(*patch == "PATCH /x HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\n{\"a\":1}");

  auto empty_post = format_request("POST", "/x", "h", {}, "");
  REQUIRE(empty_post);
  CHECK(empty_post->find("Content-Length: 0\r\n") != std::string::npos);

  // A tab is allowed in a header value; CONNECT's authority-form target is fine.
  CHECK(format_request("GET", "/x", "h", {{"X-A", "a\tb"}}, ""));
  CHECK(format_request("CONNECT", "127.0.0.1:6443", "127.0.0.1:6443", {}, ""));
}

namespace {
// The refusal for one request; FAILs the test if the request was written.
std::string refusal(std::string_view method, std::string_view target, std::string_view host,
                    const orka::Headers& headers) {
  auto written = format_request(method, target, host, headers, "body");
  if (written) {
    FAIL_CHECK("written: " << *written);
    return {};
  }
  CHECK(written.error().kind == orka::ErrorKind::Invalid);
  return written.error().message;
}
}  // namespace

TEST_CASE("format_request refuses a target that would end the request line or start another") {
  // The smuggling of finding 1: CR/LF ends the line and starts a second request.
  std::string smuggled =
      refusal("DELETE", "/api/v1/namespaces/ns/pods/p HTTP/1.1\r\nHost: x\r\n\r\nDELETE /x",
              "h", {});
  CHECK(smuggled.find("target") != std::string::npos);
  CHECK(smuggled.find("\\r\\n") != std::string::npos);  // shown escaped, not raw
  CHECK(smuggled.find('\r') == std::string::npos);
  CHECK(refusal("GET", "/a b", "h", {}).find("\" \"") != std::string::npos);  // the space
  CHECK(!refusal("GET", std::string_view("/a\0b", 4), "h", {}).empty());
  CHECK(!refusal("GET", "/a\nb", "h", {}).empty());
  CHECK(!refusal("GET", "/a\x1b[2Jb", "h", {}).empty());
  CHECK(!refusal("GET", "/a\x7f", "h", {}).empty());
  CHECK(!refusal("GET", "/\xc3\xbc", "h", {}).empty());  // non-ASCII must arrive encoded
  CHECK(!refusal("GET", "", "h", {}).empty());
}

TEST_CASE("format_request refuses a method or host that is not a token") {
  CHECK(refusal("GET /x HTTP/1.1\r\n", "/y", "h", {}).find("method") != std::string::npos);
  CHECK(!refusal("GE T", "/y", "h", {}).empty());
  CHECK(!refusal("", "/y", "h", {}).empty());
  CHECK(refusal("GET", "/y", "h\r\nX-Evil: 1", {}).find("host") != std::string::npos);
  CHECK(!refusal("GET", "/y", "h ost", {}).empty());
}

TEST_CASE("format_request refuses control characters in header names and values without "
          "showing the value") {
  CHECK(refusal("GET", "/y", "h", {{"X-A\r\nX-B", "v"}}).find("header name") != std::string::npos);
  CHECK(!refusal("GET", "/y", "h", {{"X A", "v"}}).empty());
  CHECK(!refusal("GET", "/y", "h", {{"", "v"}}).empty());
  const std::string secret = "Bearer s3cret-token\r\nX-Injected: yes";
  std::string message = refusal("GET", "/y", "h", {{"Authorization", secret}});
  CHECK(message.find("Authorization") != std::string::npos);
  CHECK(message.find("s3cret") == std::string::npos);
  CHECK(!refusal("GET", "/y", "h", {{"X-A", std::string("a\0b", 3)}}).empty());
  CHECK(!refusal("GET", "/y", "h", {{"X-A", "a\nb"}}).empty());
  CHECK(!refusal("GET", "/y", "h", {{"X-A", "a\x7f"}}).empty());
}
