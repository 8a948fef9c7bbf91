// Structured logs (the logs op's version 2): key paths, the fields of a JSON line, --json-field
// conditions, --output template, each bad input's message, and hostile lines.
#include <doctest/doctest.h>

#include <string>

#include "json_line_fields.hpp"
#include "log_template.hpp"
#include "structured_lines.hpp"

using namespace orka;
using namespace orka::streaming;

namespace {

JsonPath path(std::string_view text) {
  auto parsed = parse_json_path(text);
  REQUIRE_MESSAGE(parsed, text);
  return parsed->path;
}

// The text of each of `paths` in `line`; {"<not json>"} when the line is not a JSON object.
std::vector<std::string> fields(std::string_view line, std::vector<std::string_view> paths) {
  std::vector<JsonPath> parsed;
  for (auto p : paths) parsed.push_back(path(p));
  auto values = JsonLineFields(parsed).read(line);
  if (!values) return {"<not json>"};
  std::vector<std::string> out;
  for (const auto& value : *values) out.push_back(value ? *value : "<absent>");
  return out;
}

StructuredLines rules(std::vector<std::string> json_fields, std::string output_template = {}) {
  auto compiled = StructuredLines::compile(StructuredLogOptions{std::move(json_fields), std::move(output_template)});
  REQUIRE_MESSAGE(compiled, compiled.error().message);
  return std::move(*compiled);
}

// What becomes of `line`: "<drop>", the line itself, or its rendered form.
std::string verdict(const StructuredLines& lines, std::string_view line) {
  std::string rendered = "stale";
  switch (lines.apply(line, rendered)) {
    case StructuredLines::Verdict::Drop: return "<drop>";
    case StructuredLines::Verdict::Keep: return std::string(line);
    case StructuredLines::Verdict::Rendered: return rendered;
  }
  return "?";
}

Error compile_error(std::vector<std::string> json_fields, std::string output_template = {}) {
  auto compiled = StructuredLines::compile(StructuredLogOptions{std::move(json_fields), std::move(output_template)});
  REQUIRE_FALSE(compiled);
  return compiled.error();
}

std::string field_of(const Error& error) { return error.causes.empty() ? "" : error.causes.front().field; }

}  // namespace

TEST_CASE("key paths: dots separate, a backslash makes the next character literal") {
  CHECK(path("level").segments == std::vector<std::string>{"level"});
  CHECK(path("http.status").segments == std::vector<std::string>{"http", "status"});
  CHECK(path("k8s\\.io/name").segments == std::vector<std::string>{"k8s.io/name"});
  CHECK(path("a\\\\.b").segments == std::vector<std::string>{"a\\", "b"});
  auto stopped = parse_json_path("a.b=c", "=~");
  REQUIRE(stopped);
  CHECK(stopped->end == 3);
  CHECK(stopped->path.text == "a.b");
  auto escaped_stop = parse_json_path("a\\=b=c", "=~");
  REQUIRE(escaped_stop);
  CHECK(escaped_stop->path.segments == std::vector<std::string>{"a=b"});

  for (std::string_view bad : {"", "a..b", ".a", "a.", "a\\"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_json_path(bad));
  }
  CHECK(parse_json_path("a..b").error().message.find("empty segment") != std::string::npos);
  CHECK(parse_json_path("a\\").error().message.find("lone \\") != std::string::npos);
}

TEST_CASE("a field's text: strings unquoted, numbers as written, objects as compact JSON") {
  const std::string line =
      R"({"level":"error","msg":"disk \"full\"","n":42,"neg":-7,"f":1.50,"e":1e3,"ok":true,"none":null,)"
      R"("http":{"status":503,"path":"/x"},"tags":["a",{"b":[1,2]}],"k8s.io/name":"web","empty":{}})";
  CHECK(fields(line, {"level", "msg", "n", "neg", "f", "e", "ok", "none"}) ==
        std::vector<std::string>{"error", "disk \"full\"", "42", "-7", "1.50", "1e3", "true", "null"});
  CHECK(fields(line, {"http.status", "http.path", "http", "tags", "tags.0", "tags.1.b.1", "empty"}) ==
        std::vector<std::string>{"503", "/x", R"({"status":503,"path":"/x"})", R"(["a",{"b":[1,2]}])", "a",
                                 "2", "{}"});
  CHECK(fields(line, {"k8s\\.io/name", "missing", "http.missing", "level.x", "tags.9", "msg.0"}) ==
        std::vector<std::string>{"web", "<absent>", "<absent>", "<absent>", "<absent>", "<absent>"});
  // A nested field and its parent asked for together.
  CHECK(fields(R"({"a":{"b":{"c":1}},"z":2})", {"a", "a.b.c", "a.b", "z"}) ==
        std::vector<std::string>{R"({"b":{"c":1}})", "1", R"({"c":1})", "2"});
  // A key given twice: the last one counts, as jq and most parsers do.
  CHECK(fields(R"({"level":"info","level":"error"})", {"level"}) == std::vector<std::string>{"error"});
  CHECK(fields(R"({"a":{"b":"old"},"a":{"c":1}})", {"a.b", "a.c"}) == std::vector<std::string>{"<absent>", "1"});
  CHECK(fields(R"({"a":{"b":"old"},"a":2})", {"a.b", "a"}) == std::vector<std::string>{"<absent>", "2"});
  // Blanks around the object are allowed (some loggers pad).
  CHECK(fields("  {\"a\":1}\r", {"a"}) == std::vector<std::string>{"1"});
}

TEST_CASE("lines that are not one JSON object have no fields") {
  for (std::string_view line :
       {"", "plain text", "[1,2]", "42", "\"text\"", "null", "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}",
        "{\"a\":", "{'a':1}", "{\"a\":1,}", "\x7b\"a\":\"\xff\"}", "INFO {\"a\":1}"}) {
    CAPTURE(line);
    CHECK(fields(line, {"a"}) == std::vector<std::string>{"<not json>"});
  }
}

TEST_CASE("hostile lines: deep nesting ends the read, a huge line is read within its own size") {
  // 64 levels (the limit) still read; one more is refused, and a million levels cost nothing.
  std::string deep_ok = "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') + "1" +
                        std::string(kMaxJsonDepth - 1, ']') + "}";
  CHECK(fields(deep_ok, {"a"}).front().starts_with("[[["));
  std::string too_deep = "{\"a\":" + std::string(kMaxJsonDepth, '[') + "1" + std::string(kMaxJsonDepth, ']') + "}";
  CHECK(fields(too_deep, {"a"}) == std::vector<std::string>{"<not json>"});
  std::string hostile = "{\"a\":" + std::string(1'000'000, '[');
  CHECK(fields(hostile, {"a"}) == std::vector<std::string>{"<not json>"});
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  CHECK(fields(objects, {"a"}) == std::vector<std::string>{"<not json>"});

  // A 1 MiB message is read whole; a captured object is cut at kMaxFieldBytes.
  const std::string big(kMaxFieldBytes - 100, 'x');
  CHECK(fields("{\"msg\":\"" + big + "\"}", {"msg"}).front().size() == big.size());
  std::string wide = "{\"o\":[";
  for (int i = 0; i < 200'000; ++i) wide += "\"xxxxxxxxx\",";
  wide += "1]}";
  CHECK(fields(wide, {"o"}).front().size() <= kMaxFieldBytes);
}

TEST_CASE("--json-field KEY=VALUE compares the text exactly; KEY~REGEX searches it") {
  auto exact = rules({"level=error"});
  CHECK(verdict(exact, R"({"level":"error","msg":"x"})") == R"({"level":"error","msg":"x"})");
  CHECK(verdict(exact, R"({"level":"errors"})") == "<drop>");
  CHECK(verdict(exact, R"({"level":"Error"})") == "<drop>");
  CHECK(verdict(exact, R"({"msg":"no level"})") == "<drop>");
  CHECK(verdict(exact, "level=error but not JSON") == "<drop>");

  CHECK(verdict(rules({"http.status=503"}), R"({"http":{"status":503}})") != "<drop>");
  CHECK(verdict(rules({"http.status=503"}), R"({"http":{"status":"503"}})") != "<drop>");  // text form
  CHECK(verdict(rules({"ok=true"}), R"({"ok":true})") != "<drop>");
  CHECK(verdict(rules({"v=null"}), R"({"v":null})") != "<drop>");
  CHECK(verdict(rules({"v="}), R"({"v":""})") != "<drop>");
  CHECK(verdict(rules({"v="}), R"({"w":""})") == "<drop>");
  CHECK(verdict(rules({"msg=a=b~c"}), R"({"msg":"a=b~c"})") != "<drop>");  // the first = or ~ splits

  auto regex = rules({"http.status~^5"});
  CHECK(verdict(regex, R"({"http":{"status":500}})") != "<drop>");
  CHECK(verdict(regex, R"({"http":{"status":404}})") == "<drop>");
  CHECK(verdict(rules({"msg~timeout"}), R"({"msg":"upstream timeout after 5s"})") != "<drop>");
  CHECK(verdict(rules({"level~^(warn|error)$"}), R"({"level":"warn"})") != "<drop>");
  CHECK(verdict(rules({"level~^(warn|error)$"}), R"({"level":"warning"})") == "<drop>");
  // An empty pattern: the field only has to be there (docs: how to require a field).
  CHECK(verdict(rules({"trace~"}), R"({"trace":""})") != "<drop>");
  CHECK(verdict(rules({"trace~"}), R"({"msg":"x"})") == "<drop>");
}

TEST_CASE("several --json-field: all must match") {
  auto both = rules({"level=error", "service~^api"});
  CHECK(verdict(both, R"({"level":"error","service":"api-gw"})") != "<drop>");
  CHECK(verdict(both, R"({"level":"error","service":"web"})") == "<drop>");
  CHECK(verdict(both, R"({"level":"info","service":"api"})") == "<drop>");
  CHECK(verdict(both, R"({"service":"api"})") == "<drop>");
}

TEST_CASE("--json-field errors name the condition and say what to write") {
  auto no_operator = compile_error({"level=info", "level"});
  CHECK(no_operator.kind == ErrorKind::Invalid);
  CHECK(field_of(no_operator) == "json_fields");
  CHECK(no_operator.message == "json_fields \"level\" has neither = nor ~ after the key");
  CHECK(no_operator.hint.find("KEY=VALUE") != std::string::npos);

  auto bad_regex = compile_error({"msg~(unclosed"});
  CHECK(field_of(bad_regex) == "json_fields");
  CHECK(bad_regex.message.starts_with("json_fields \"msg~(unclosed\": \"(unclosed\" is not a valid regular expression"));
  CHECK(bad_regex.hint.find("RE2") != std::string::npos);

  CHECK(compile_error({"=x"}).message == "json_fields \"=x\": the key is empty");
  CHECK(compile_error({"a..b=x"}).message ==
        "json_fields \"a..b=x\": the key has an empty segment (\"a..b\", \".a\" or \"a.\")");
  CHECK(compile_error({"a\\"}).message.find("lone \\") != std::string::npos);
}

TEST_CASE("--output template renders fields; non-JSON lines pass as they are") {
  auto shaped = rules({}, "{{.level}} [{{.http.status}}] {{ .msg }}");
  CHECK(verdict(shaped, R"({"level":"error","http":{"status":503},"msg":"down"})") == "error [503] down");
  CHECK(verdict(shaped, R"({"level":"info","msg":"up"})") == "info [] up");  // missing: empty
  CHECK(verdict(shaped, "panic: runtime error") == "panic: runtime error");
  CHECK(verdict(shaped, "[1,2]") == "[1,2]");
  CHECK(verdict(shaped, R"({"http":{"status":200,"ms":3}})") == " [200] ");

  // With conditions, the template shapes the lines that match; the others are dropped.
  auto filtered = rules({"level=error"}, "{{.msg}}");
  CHECK(verdict(filtered, R"({"level":"error","msg":"bad"})") == "bad");
  CHECK(verdict(filtered, R"({"level":"info","msg":"fine"})") == "<drop>");
  CHECK(verdict(filtered, "plain") == "<drop>");

  // Quoted text for braces; a lone }} is text; an object field is its JSON.
  CHECK(verdict(rules({}, R"({{"{{"}}x{{"\"q\""}}}})"), "{}") == "{{x\"q\"}}");
  CHECK(verdict(rules({}, "{{.a}}"), R"({"a":{"b":[1,"c"]}})") == R"({"b":[1,"c"]})");
  CHECK(verdict(rules({}, "{{.a}}|{{.a}}"), R"({"a":1})") == "1|1");
  CHECK(verdict(rules({}, "{{.k8s\\.io/app}}"), R"({"k8s.io/app":"web"})") == "web");
  CHECK(verdict(rules({}, "no fields"), R"({"a":1})") == "no fields");
}

TEST_CASE("--output template: a field cannot break the line or drive the terminal") {
  auto shaped = rules({}, "{{.msg}}");
  CHECK(verdict(shaped, R"({"msg":"two\nlines\r\tand \u001b[2J and \u009b1m end\u007f"})") ==
        "two\\nlines\\r\tand \\u001b[2J and \\u009b1m end\\u007f");
  // A template naming a 1 MiB field many times is cut at kMaxRenderedBytes.
  auto repeated = rules({}, "{{.m}}{{.m}}{{.m}}");
  const std::string big(kMaxFieldBytes - 100, 'x');
  CHECK(verdict(repeated, "{\"m\":\"" + big + "\"}").size() == kMaxRenderedBytes);
}

TEST_CASE("--output template errors say where and what to write") {
  auto message = [](std::string text) {
    auto error = compile_error({}, std::move(text));
    CHECK(field_of(error) == "output_template");
    CHECK(error.hint.find("{{.level}}") != std::string::npos);
    return error.message;
  };
  CHECK(message("{{.level} {{.msg}}").find("unexpected") != std::string::npos);
  CHECK(message("x {{.level").starts_with("output_template has an unclosed {{ at column 3"));
  CHECK(message("{{level}}") ==
        "output_template {{level}} at column 1 is not a field reference: only fields ({{.name}}) and "
        "quoted text ({{\"text\"}}) are supported; a field is written {{.level}}, a nested one "
        "{{.http.status}}");
  CHECK(message("a {{ }}").starts_with("output_template has an empty {{ }} at column 3"));
  CHECK(message("{{.}}").starts_with("output_template {{.}} at column 1: the field path is empty"));
  CHECK(message("{{.a..b}}").find("the field path has an empty segment") != std::string::npos);
  CHECK(message("{{.a b}}").find("unexpected \"b\"") != std::string::npos);
  CHECK(message("{{\"open}}").find("unclosed \"") != std::string::npos);
  CHECK(message("{{.a\\").find("lone \\") != std::string::npos);
  CHECK(message("{{").find("unclosed {{") != std::string::npos);
  CHECK(message("{{printf \"%s\" .a}}").find("not a field reference") != std::string::npos);
}

TEST_CASE("no rules: every line passes as it is") {
  auto none = rules({});
  CHECK(none.empty());
  CHECK(verdict(none, "anything") == "anything");
}
