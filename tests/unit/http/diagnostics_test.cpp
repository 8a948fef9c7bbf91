#include <doctest/doctest.h>

#include <string>

#include "transport/http_diagnostics.hpp"

using namespace orka::core;

TEST_CASE("mask_secrets hides Bearer and Basic credentials anywhere in text") {
  CHECK(mask_secrets("Authorization: Bearer abc.def-ghi") == "Authorization: Bearer <masked>");
  CHECK(mask_secrets("basic dXNlcjpwYXNz, next") == "basic <masked>, next");
  CHECK(mask_secrets("{\"h\":\"BEARER tok123\"}") == "{\"h\":\"BEARER <masked>\"}");
  CHECK(mask_secrets("unbearer x") == "unbearer x");  // not a word boundary
  CHECK(mask_secrets("no secrets here") == "no secrets here");
}

TEST_CASE("mask_secrets hides JSON values of secret keys, even in truncated JSON") {
  std::string masked = mask_secrets(
      R"({"spec":{"token":"s3cr3t","user":"bob"},"password" : "hunter2","msg":"a \"token\" b"})");
  CHECK(masked.find("s3cr3t") == std::string::npos);
  CHECK(masked.find("hunter2") == std::string::npos);
  CHECK(masked.find("\"user\":\"bob\"") != std::string::npos);
  CHECK(masked.find("a \\\"token\\\" b") != std::string::npos);  // a string value, not a key

  CHECK(mask_secrets(R"({"client-key-data": "LS0tLS1CRUdJTi)").find("LS0tLS1") ==
        std::string::npos);
  CHECK(mask_secrets(R"({"status":{"token":"x\"y"}})") == R"({"status":{"token":"<masked>"}})");
}

TEST_CASE("format_headers_for_log masks secret headers entirely, keeping the scheme") {
  orka::Headers headers = {{"Authorization", "Bearer abc"},
                           {"proxy-authorization", "Basic dXNlcg=="},
                           {"Cookie", "session=1"},
                           {"Accept", "application/json"}};
  std::string text = format_headers_for_log("> ", headers);
  CHECK(text ==
        "> Authorization: Bearer <masked>\n"
        "> proxy-authorization: Basic <masked>\n"
        "> Cookie: <masked>\n"
        "> Accept: application/json");
  CHECK(format_headers_for_log("", {{"Authorization", "opaque"}}) == "Authorization: <masked>");
}

TEST_CASE("format_body_for_log truncates, then masks what is left") {
  std::string body = std::string(10, 'x') + "Bearer abcdefgh" + std::string(100, 'y');
  std::string logged = format_body_for_log(body, 20);
  CHECK(logged.find("abcde") == std::string::npos);
  CHECK(logged.find("... (105 more bytes)") != std::string::npos);
  CHECK(format_body_for_log("short", 20) == "short");
}
