// `orka ops logs`: flags → the LogsRequest the op gets, the command line's own errors, and how
// the op's events are printed. The op is replaced by a recorder that plays scripted events.
#include <doctest/doctest.h>

#include <sstream>

#include "logs_command.hpp"
#include "logs_op.hpp"
#include "command_run.hpp"
#include "scripted_log_events.hpp"

using namespace orka;
using orka::testing::line;
using orka::testing::started;
using namespace orka::streaming;

namespace {

// Records the request and answers with the scripted events. The command calls the logs op's
// version 2; `seen` is its version 1 part.
class RecordingLogs final : public LogsOpV2 {
 public:
  Stream<LogEvent, LogsOutcome> run(const LogsRequestV2& request) override {
    seen = request.base;
    seen_structured = request.structured;
    auto events = script;
    auto outcome = result;
    return Stream<LogEvent, LogsOutcome>::spawn(
        16, Overflow::Block, CancelToken(), [events, outcome](StreamWriter<LogEvent>& out) {
          for (const auto& event : events) out.push(event);
          return outcome;
        });
  }
  std::optional<LogsRequest> seen;
  std::optional<StructuredLogOptions> seen_structured;
  std::vector<LogEvent> script;
  Result<LogsOutcome> result = LogsOutcome{1, 0};
};

orka::testing::CommandRun run(std::vector<std::string> args, RecordingLogs& op) {
  return orka::testing::run_command<LogsOpV2>(logs_command(), op, std::move(args));
}

}  // namespace

TEST_CASE("logs flags become the op's request") {
  RecordingLogs op;
  auto r = run({"deploy/web", "-c", "app", "-f", "--tail", "20", "--since", "2m", "--timestamps",
                "--include", "a,b{1,2}", "--include", "x", "--exclude", "y", "--highlight", "z",
                "--limit-bytes", "100", "--prefix=false", "--json", "--max-streams", "7"},
               op);
  REQUIRE_MESSAGE(r.result, r.result.error().message);
  REQUIRE(op.seen);
  const LogsRequest& request = *op.seen;
  CHECK(request.target == "deploy/web");
  CHECK(request.container == "app");
  CHECK(request.log.follow);
  CHECK(request.log.tail_lines == 20);
  CHECK(request.log.since_seconds == 120);
  CHECK(request.log.timestamps);
  CHECK(request.log.include == std::vector<std::string>{"a,b{1,2}", "x"});
  CHECK(request.log.exclude == std::vector<std::string>{"y"});
  CHECK(request.log.limit_bytes == 100);
  CHECK(request.max_streams == 7);
}

TEST_CASE("logs defaults: all lines of a pod, 10 lines per pod of a selector") {
  RecordingLogs op;
  REQUIRE(run({"web-1"}, op).result);
  CHECK_FALSE(op.seen->log.tail_lines);
  CHECK(op.seen->max_streams == kDefaultMaxLogStreams);
  REQUIRE(run({"-l", "app=web"}, op).result);
  CHECK(op.seen->selector == "app=web");
  CHECK(op.seen->log.tail_lines == 10);  // as kubectl does for -l
  REQUIRE(run({"-l", "app=web", "--tail", "-1"}, op).result);
  CHECK_FALSE(op.seen->log.tail_lines);
}

TEST_CASE("logs validation errors are usage errors, and the op is never called") {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"web-1", "-l", "app=web"},
      {"web-1", "extra"},
      {"web-1", "-c", "a", "--all-containers"},
      {"web-1", "--init-containers"},
      {"web-1", "--tail", "-2"},
      {"web-1", "--since", "5m", "--since-time", "2024-05-01T10:00:00Z"},
      {"web-1", "--since", "soon"},
      {"web-1", "--since-time", "yesterday"},
      {"web-1", "--limit-bytes", "0"},
      {"web-1", "--include", "(bad"},
      {"web-1", "--highlight", "[z"},
      {"web-1", "--max-streams", "0"},
      {"web-1", "--no-such-flag"},
  };
  for (const auto& args : bad) {
    CAPTURE(args.size());
    RecordingLogs op;
    auto r = run(args, op);
    REQUIRE_FALSE(r.result);
    CHECK(r.result.error().kind == ErrorKind::Usage);
    CHECK_FALSE(r.result.error().message.empty());
    CHECK_FALSE(op.seen);
  }
}

TEST_CASE("the op's field errors come back in flag terms") {
  RecordingLogs op;
  auto since_time = run({"web-1", "--since-time", "yesterday"}, op);
  REQUIRE_FALSE(since_time.result);
  CHECK(since_time.result.error().message ==
        "--since-time \"yesterday\" is not an RFC 3339 time, e.g. 2024-05-01T10:00:00Z");
  auto limit = run({"web-1", "--limit-bytes", "0"}, op);
  CHECK(limit.result.error().message == "--limit-bytes must be greater than 0");
  auto include = run({"web-1", "--include", "(bad"}, op);
  CHECK(include.result.error().message.starts_with("--include \"(bad\" is not a valid regular expression"));
  CHECK(include.result.error().hint.find("RE2") != std::string::npos);
}

TEST_CASE("containers a pod contributes") {
  auto pod = nlohmann::json::parse(
      R"({"spec":{"initContainers":[{"name":"init"}],"containers":[{"name":"app"},{"name":"side"}]}})");
  LogsRequest o;
  CHECK(containers_for(pod, o) == std::vector<std::string>{"app"});
  o.container = "side";
  CHECK(containers_for(pod, o) == std::vector<std::string>{"side"});
  o.container = "missing";
  CHECK(containers_for(pod, o).empty());
  o.container.clear();
  o.all_containers = true;
  CHECK(containers_for(pod, o) == std::vector<std::string>{"app", "side"});
  o.init_containers = true;
  CHECK(containers_for(pod, o) == std::vector<std::string>{"init", "app", "side"});
}

TEST_CASE("a flag value of the wrong type names the flag and what it expects") {
  for (const auto& [args, text] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"web-1", "--tail", "abc"}, "invalid value \"abc\" for --tail: expected a whole number"},
           {{"web-1", "--tail=ten"}, "invalid value \"ten\" for --tail: expected a whole number"},
           {{"web-1", "--limit-bytes", "1k"}, "invalid value \"1k\" for --limit-bytes: expected a whole number"},
       }) {
    CAPTURE(text);
    RecordingLogs op;
    auto r = run(args, op);
    REQUIRE_FALSE(r.result);
    CHECK(r.result.error().kind == ErrorKind::Usage);
    CHECK(exit_code_for(r.result.error()) == 2);
    CHECK(r.result.error().message == text);
    CHECK(r.result.error().message.find("failed to parse") == std::string::npos);
  }
}

TEST_CASE("one stream of a pod: bare lines; several: prefixed; a workload always prefixed") {
  RecordingLogs one;
  one.script = {started("web-1"), line("web-1", "a"), line("web-1", "b")};
  auto single = run({"web-1"}, one);
  REQUIRE(single.result);
  CHECK(single.out == "a\nb\n");

  RecordingLogs two;
  two.script = {started("web-1"), started("web-2"), line("web-1", "a"), line("web-2", "b")};
  auto many = run({"web-1", "--all-containers"}, two);
  REQUIRE(many.result);
  CHECK(many.out == "[web-1/app] a\n[web-2/app] b\n");

  RecordingLogs workload;
  workload.script = {started("web-1"), line("web-1", "a")};
  auto deploy = run({"deploy/web"}, workload);
  REQUIRE(deploy.result);
  CHECK(deploy.out == "[web-1/app] a\n");
}

TEST_CASE("stream events go to stderr in flag terms; --json prints them as objects") {
  LogEvent skipped = started("web-9");
  skipped.type = LogEvent::Type::NotFollowed;
  skipped.count = 3;
  LogEvent failed = started("web-2");
  failed.type = LogEvent::Type::StreamFailed;
  failed.error = std::make_shared<const Error>(make_error(ErrorKind::NotFound, "container is gone"));
  RecordingLogs op;
  op.script = {started("web-1"), started("web-2"), line("web-1", "a"), skipped, failed};
  auto human = run({"-l", "app=web", "-f", "--max-streams", "3"}, op);
  REQUIRE(human.result);
  CHECK(human.err.find("warning: not following web-9/app: --max-streams 3 reached\n") != std::string::npos);
  CHECK(human.err.find("warning: web-2/app: container is gone\n") != std::string::npos);

  auto json = run({"-l", "app=web", "-f", "--json"}, op);
  REQUIRE(json.result);
  std::istringstream lines(json.out);
  std::vector<nlohmann::json> objects;
  for (std::string text; std::getline(lines, text);) objects.push_back(nlohmann::json::parse(text));
  REQUIRE(objects.size() == 5);
  CHECK(objects[0]["event"] == "stream_started");
  CHECK(objects[2]["line"] == "a");
  CHECK(objects[3]["event"] == "not_followed");
  CHECK(objects[3]["max_streams"] == 3);
  CHECK(objects[4]["event"] == "stream_failed");
  CHECK(objects[4]["error"] == "container is gone");
}

TEST_CASE("more streams than the limit: the op's refusal, with a hint in flag terms") {
  RecordingLogs op;
  Error refused = make_error(ErrorKind::Refused, "60 log streams match (pods × containers), more than the limit of 50");
  refused.reason = std::string(kTooManyLogStreams);
  op.result = std::unexpected(refused);
  auto r = run({"-l", "app=web"}, op);
  REQUIRE_FALSE(r.result);
  CHECK(r.result.error().kind == ErrorKind::Refused);
  CHECK(r.result.error().hint.find("--max-streams") != std::string::npos);
}

TEST_CASE("a container's new instance: the marker in the stream's style, not a new stream") {
  LogEvent restart = started("web-1");
  restart.count = 2;
  RecordingLogs one;
  one.script = {started("web-1"), line("web-1", "a"), restart, line("web-1", "b")};
  auto single = run({"web-1", "-f"}, one);
  REQUIRE(single.result);
  // One stream still: bare lines, the marker bare too.
  CHECK(single.out == "a\n--- container restarted (restart 2) ---\nb\n");

  RecordingLogs workload;
  workload.script = {started("web-1"), restart, line("web-1", "b")};
  auto deploy = run({"deploy/web", "-f"}, workload);
  REQUIRE(deploy.result);
  CHECK(deploy.out == "[web-1/app] --- container restarted (restart 2) ---\n[web-1/app] b\n");

  auto json = run({"web-1", "-f", "--json"}, one);
  REQUIRE(json.result);
  std::istringstream lines(json.out);
  std::vector<nlohmann::json> objects;
  for (std::string text; std::getline(lines, text);) objects.push_back(nlohmann::json::parse(text));
  REQUIRE(objects.size() == 4);
  CHECK_FALSE(objects[0].contains("restart"));
  CHECK(objects[2]["event"] == "stream_started");
  CHECK(objects[2]["restart"] == 2);
  CHECK(objects[2]["marker"] == "--- container restarted (restart 2) ---");
  CHECK(objects[3]["line"] == "b");
}

TEST_CASE("structured-log flags become the version 2 request; -o json is --json") {
  RecordingLogs op;
  auto r = run({"web-1", "--json-field", "level=error", "--json-field", "http.status~^5",
                "-o", "template={{.level}} {{.msg}}"},
               op);
  REQUIRE_MESSAGE(r.result, r.result.error().message);
  REQUIRE(op.seen_structured);
  CHECK(op.seen_structured->json_fields == std::vector<std::string>{"level=error", "http.status~^5"});
  CHECK(op.seen_structured->output_template == "{{.level}} {{.msg}}");
  CHECK_FALSE(op.seen->log.timestamps);

  op.script = {line("web-1", "hello")};
  auto json = run({"web-1", "-o", "json"}, op);
  REQUIRE(json.result);
  CHECK(op.seen->log.timestamps);  // as with --json
  CHECK(json.out == "{\"container\":\"app\",\"line\":\"hello\",\"pod\":\"web-1\"}\n");
  auto raw = run({"web-1", "--output", "raw"}, op);
  REQUIRE(raw.result);
  CHECK(raw.out == "hello\n");
  CHECK(op.seen_structured->json_fields.empty());
  CHECK(op.seen_structured->output_template.empty());
}

TEST_CASE("structured-log flag errors are usage errors in flag terms, before the op runs") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"web-1", "--json-field", "level"}, "--json-field \"level\" has neither = nor ~ after the key"},
      {{"web-1", "--json-field", "a..b=1"}, "--json-field \"a..b=1\": the key has an empty segment"},
      {{"web-1", "--json-field", "msg~(x"}, "--json-field \"msg~(x\": \"(x\" is not a valid regular expression"},
      {{"web-1", "-o", "template={{.level"}, "-o/--output template has an unclosed {{ at column 1"},
      {{"web-1", "-o", "template={{level}}"}, "-o/--output template {{level}} at column 1 is not a field reference"},
      {{"web-1", "-o", "template="}, "-o/--output template= is empty"},
      {{"web-1", "-o", "template"}, "-o/--output template needs the template after ="},
      {{"web-1", "-o", "yaml"}, "-o/--output \"yaml\" is not an output format: use raw, json or template=TEXT"},
  };
  for (const auto& [args, message] : bad) {
    CAPTURE(message);
    RecordingLogs op;
    auto r = run(args, op);
    REQUIRE_FALSE(r.result);
    CHECK(r.result.error().kind == ErrorKind::Usage);
    CHECK(r.result.error().message.starts_with(message));
    CHECK_FALSE(r.result.error().hint.empty());
    CHECK_FALSE(op.seen);
  }
}
