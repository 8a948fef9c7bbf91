#include <doctest/doctest.h>

#include <string>

#include "orka/object_names.hpp"

using orka::check_name;
using orka::check_namespace;
using orka::NameRule;
using orka::quote_name;

namespace {

// The message of the Usage error `name` gets under `rule`; "" when it is valid.
std::string refusal(std::string_view name, NameRule rule, std::string_view what = "pod") {
  auto checked = check_name(what, name, rule);
  if (checked) return {};
  CHECK(checked.error().kind == orka::ErrorKind::Usage);
  CHECK(checked.error().hint.find("DNS-") != std::string::npos);
  return checked.error().message;
}

}  // namespace

TEST_CASE("DNS-1123 subdomain names (pods, nodes, deployments, configmaps) pass") {
  for (std::string_view name : {"p", "web-1", "a.b.c", "0abc", "node-1.example.com", "x9"})
    CHECK_MESSAGE(refusal(name, NameRule::Dns1123Subdomain).empty(), name);
  CHECK(refusal(std::string(253, 'a'), NameRule::Dns1123Subdomain).empty());
}

TEST_CASE("a DNS-1123 subdomain refuses what the API server refuses, naming the problem") {
  const auto subdomain = NameRule::Dns1123Subdomain;
  CHECK(refusal("", subdomain).find("empty") != std::string::npos);
  std::string long_name = refusal(std::string(254, 'a'), subdomain);
  CHECK(long_name.find("254 characters") != std::string::npos);
  CHECK(long_name.find("at most 253") != std::string::npos);
  CHECK(refusal("p?dryRun=All", subdomain) ==
        "pod name \"p?dryRun=All\" is not valid: '?' (at position 2) is not allowed");
  CHECK(refusal("x/configmaps", subdomain).find("'/' (at position 2)") != std::string::npos);
  CHECK(refusal("my pod", subdomain).find("a space (at position 3)") != std::string::npos);
  CHECK(refusal("Web", subdomain).find("upper case") != std::string::npos);
  CHECK(refusal("web_1", subdomain).find("'_'") != std::string::npos);
  CHECK(refusal("a%2F", subdomain).find("'%'") != std::string::npos);
  CHECK(refusal("ü", subdomain).find("\\xC3") != std::string::npos);
  CHECK(refusal("-web", subdomain).find("start and end") != std::string::npos);
  CHECK(refusal("web-", subdomain).find("start and end") != std::string::npos);
  CHECK(refusal("a.-b", subdomain).find("\"-b\"") != std::string::npos);
  CHECK(refusal("a..b", subdomain).find("'.' (at position 3) leaves an empty part") !=
        std::string::npos);
  CHECK(refusal(".a", subdomain).find("position 1") != std::string::npos);
  CHECK(refusal("a.", subdomain).find("position 2") != std::string::npos);
  CHECK(!refusal("..", subdomain).empty());
}

TEST_CASE("a name's control characters are shown escaped, never raw") {
  std::string smuggled = refusal("p HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nDELETE /x", NameRule::Dns1123Subdomain);
  CHECK(smuggled.find('\r') == std::string::npos);
  CHECK(smuggled.find('\n') == std::string::npos);
  CHECK(smuggled.find("\"p HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\nDELETE /x\"") != std::string::npos);
  CHECK(refusal("a\x1b[2J", NameRule::Dns1123Subdomain).find("\\x1B (at position 2)") != std::string::npos);
  CHECK(refusal(std::string_view("a\0b", 3), NameRule::Dns1123Subdomain).find("\\x00") !=
        std::string::npos);
}

TEST_CASE("DNS-1123 labels (namespaces) allow no dots and at most 63 characters") {
  CHECK(check_namespace("default"));
  CHECK(check_namespace("kube-system"));
  CHECK(check_namespace("1abc"));
  CHECK(check_namespace(std::string(63, 'a')));
  auto long_ns = check_namespace(std::string(64, 'a'));
  REQUIRE_FALSE(long_ns);
  CHECK(long_ns.error().message.find("at most 63") != std::string::npos);
  auto dotted = check_namespace("a.b");
  REQUIRE_FALSE(dotted);
  CHECK(dotted.error().message.find("namespace name \"a.b\"") == 0);
  CHECK(dotted.error().hint.find("DNS-1123 label") != std::string::npos);
  auto injected = check_namespace("NS/configmaps/marker?x=");
  REQUIRE_FALSE(injected);
  CHECK(injected.error().kind == orka::ErrorKind::Usage);
  CHECK_FALSE(check_namespace(""));
  CHECK_FALSE(check_namespace("-a"));
  CHECK_FALSE(check_namespace("a-"));
}

TEST_CASE("DNS-1035 labels (services) must start with a letter") {
  CHECK(refusal("web", NameRule::Dns1035Label, "service").empty());
  CHECK(refusal("1web", NameRule::Dns1035Label, "service").find("start with a lowercase letter") !=
        std::string::npos);
  CHECK(!refusal("a.b", NameRule::Dns1035Label, "service").empty());
  CHECK(!refusal(std::string(64, 'a'), NameRule::Dns1035Label, "service").empty());
}

TEST_CASE("name_rule_for maps resources to the API server's rule") {
  CHECK(orka::name_rule_for("namespaces") == NameRule::Dns1123Label);
  CHECK(orka::name_rule_for("services") == NameRule::Dns1035Label);
  CHECK(orka::name_rule_for("pods") == NameRule::Dns1123Subdomain);
  CHECK(orka::name_rule_for("deployments") == NameRule::Dns1123Subdomain);
  CHECK(orka::name_rule_for("nodes") == NameRule::Dns1123Subdomain);
}

TEST_CASE("quote_name escapes quotes, backslashes, control and non-ASCII bytes and cuts long text") {
  CHECK(quote_name("web") == "\"web\"");
  CHECK(quote_name("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(quote_name("\r\n\t") == "\"\\r\\n\\t\"");
  CHECK(quote_name("\x7f\xc3\xbc") == "\"\\x7F\\xC3\\xBC\"");
  CHECK(quote_name(std::string(10, 'a'), 4) == "\"aaaa\" (and 6 more bytes)");
}
