// orka/command_output.hpp and the CommandLine of orka/command_args.hpp: the frame the mutating
// commands share (flags, usage errors, --help, progress and results).
#include <doctest/doctest.h>

#include <sstream>

#include "fake_api.hpp"
#include "orka/command_args.hpp"
#include "orka/command_output.hpp"
#include "test_ops.hpp"

using namespace orka;
using namespace orka::testing;

namespace {

struct Screen {
  MockedCluster cluster;
  TestOps ops;
  std::ostringstream out;
  std::ostringstream err;
  CommandContext context(bool out_tty, bool err_tty) {
    return CommandContext{cluster.services, ops, "test", {}, out, err, CancelToken{}, out_tty,
                          err_tty};
  }
};

ProgressEvent event(std::string phase, std::string message) {
  return ProgressEvent{std::move(phase), std::move(message), {{"pod", "web/a"}}};
}

CommandLine sample_command_line() {
  CommandLine cli("orka ops sample", "Do a sample thing", "orka ops sample NAME [--count N] [--json]",
                  "print JSON");
  cli.add_options()("count", "how many", cxxopts::value<int>()->default_value("1"));
  return cli;
}

}  // namespace

TEST_CASE("CommandLine: the command's flags, then --json and --help; usage errors carry the usage") {
  auto cli = sample_command_line();
  auto parsed = cli.parse({"x", "--count", "3", "--json"});
  REQUIRE(parsed);
  CHECK((*parsed)["count"].as<int>() == 3);
  CHECK(parsed->count("json") == 1);
  CHECK(parsed->unmatched() == std::vector<std::string>{"x"});

  auto bad = sample_command_line().parse({"--bogus"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::Usage);
  CHECK(bad.error().message.find("bogus") != std::string::npos);
  CHECK(bad.error().hint == "usage: orka ops sample NAME [--count N] [--json]");

  auto error = cli.usage_error("name one thing");
  CHECK(error.kind == ErrorKind::Usage);
  CHECK(error.hint == cli.hint());

  std::ostringstream help;
  cli.print_help(help);  // after parse(): the common flags are not added twice
  const std::string text = help.str();
  CHECK(text.rfind("usage: orka ops sample NAME", 0) == 0);
  const auto count = text.find("--count");
  const auto json = text.find("--json");
  const auto help_flag = text.find("--help");
  REQUIRE(count != std::string::npos);
  REQUIRE(json != std::string::npos);
  REQUIRE(help_flag != std::string::npos);
  CHECK(count < json);
  CHECK(json < help_flag);
}

TEST_CASE("CommandLine without --json help has no --json flag") {
  CommandLine cli("orka ops bare", "Bare", "orka ops bare NAME", "");
  auto parsed = cli.parse({"--json"});
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().kind == ErrorKind::Usage);
}

TEST_CASE("CommandOutput: --json writes every event as a JSON line on stdout") {
  Screen screen;
  CommandOutput output(screen.context(false, false), true, {.live = {"waiting"}});
  auto progress = output.progress();
  progress(event("waiting", "1 pod left"));
  progress(event("done", "all gone"));
  output.write_json({{"event", "result"}});
  CHECK(output.json());
  CHECK(screen.out.str() ==
        "{\"event\":\"waiting\",\"message\":\"1 pod left\",\"pod\":\"web/a\"}\n"
        "{\"event\":\"done\",\"message\":\"all gone\",\"pod\":\"web/a\"}\n"
        "{\"event\":\"result\"}\n");
  CHECK(screen.err.str().empty());
}

TEST_CASE("CommandOutput: live phases on the stderr status line; others and \"done\" not shown") {
  Screen screen;
  CommandOutput output(screen.context(false, true), false, {.live = {"waiting"}});
  output.show(event("waiting", "2 pods left"));
  output.show(event("waiting", "1 pod left"));
  output.show(event("deleting", "deleting web/a"));
  output.show(event("done", "all gone"));
  output.finish();
  CHECK(screen.err.str() == "\r\x1b[2K2 pods left\r\x1b[2K1 pod left\n");
  CHECK(screen.out.str().empty());
}

TEST_CASE("CommandOutput: without a live list every phase but \"done\" is live") {
  Screen screen;
  CommandOutput output(screen.context(false, false), false);
  output.show(event("scaling", "scaling"));
  output.show(event("waiting", "1/3 ready"));
  output.show(event("waiting", "1/3 ready"));
  output.show(event("done", "3/3 ready"));
  CHECK(screen.err.str() == "scaling\n1/3 ready\n");
}

TEST_CASE("CommandOutput: kept phases stay on the status line's stream, warnings on stderr") {
  Screen screen;
  CommandOutput output(screen.context(true, false), false,
                       {.kept = {"evicted", "warning"}, .on_stdout = true});
  output.show(event("waiting", "evicting 1 pod"));
  output.show(event("evicted", "pod web/a evicted"));
  output.show(event("warning", "ignoring daemonset pods"));
  output.show(event("done", "drained"));
  CHECK(screen.out.str() == "\r\x1b[2Kevicting 1 pod\npod web/a evicted\n");
  CHECK(screen.err.str() == "ignoring daemonset pods\n");
}
