#include <doctest/doctest.h>

#include "logs_command.hpp"

using namespace orka;
using namespace orka::streaming;

namespace {
Result<LogsCommandOptions> parse(std::vector<std::string> args) { return parse_logs_args(args); }
}  // namespace

TEST_CASE("logs flags become options") {
  auto o = parse({"deploy/web", "-c", "app", "-f", "--tail", "20", "--since", "2m", "--timestamps",
                  "--include", "a,b{1,2}", "--include", "x", "--exclude", "y", "--highlight", "z",
                  "--limit-bytes", "100", "--prefix=false", "--json", "--max-streams", "7"});
  REQUIRE(o);
  CHECK(o->target == "deploy/web");
  CHECK(o->container == "app");
  CHECK(o->log.follow);
  CHECK(o->log.tail_lines == 20);
  CHECK(o->log.since_seconds == 120);
  CHECK(o->log.timestamps);
  CHECK(o->log.include == std::vector<std::string>{"a,b{1,2}", "x"});
  CHECK(o->log.exclude == std::vector<std::string>{"y"});
  CHECK(o->highlight == std::vector<std::string>{"z"});
  CHECK(o->log.limit_bytes == 100);
  REQUIRE(o->prefix);
  CHECK_FALSE(*o->prefix);
  CHECK(o->json);
  CHECK(o->max_streams == 7);
}

TEST_CASE("logs defaults") {
  auto pod = parse({"web-1"});
  REQUIRE(pod);
  CHECK_FALSE(pod->log.tail_lines);
  CHECK_FALSE(pod->prefix);
  CHECK(pod->max_streams == 50);
  auto selector = parse({"-l", "app=web"});
  REQUIRE(selector);
  CHECK(selector->log.tail_lines == 10);  // as kubectl does for -l
  auto all = parse({"-l", "app=web", "--tail", "-1"});
  REQUIRE(all);
  CHECK_FALSE(all->log.tail_lines);
}

TEST_CASE("logs validation errors are usage errors") {
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
    auto o = parse(args);
    REQUIRE_FALSE(o);
    CHECK(o.error().kind == ErrorKind::Usage);
    CHECK_FALSE(o.error().message.empty());
  }
}

TEST_CASE("containers a pod contributes") {
  auto pod = nlohmann::json::parse(
      R"({"spec":{"initContainers":[{"name":"init"}],"containers":[{"name":"app"},{"name":"side"}]}})");
  LogsCommandOptions o;
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
    auto o = parse(args);
    REQUIRE_FALSE(o);
    CHECK(o.error().kind == ErrorKind::Usage);
    CHECK(exit_code_for(o.error()) == 2);
    CHECK(o.error().message == text);
    CHECK(o.error().message.find("failed to parse") == std::string::npos);
  }
}
