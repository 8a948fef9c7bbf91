#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "global_flags.hpp"

using orka::cli::parse_command_line;
using Args = std::vector<std::string>;

namespace {
orka::cli::CommandLine parsed(const Args& args) {
  auto line = parse_command_line(args);
  REQUIRE_MESSAGE(line.has_value(), (line ? "" : line.error().message));
  return *line;
}
}  // namespace

TEST_CASE("global flags are removed wherever they appear before --") {
  struct Case {
    Args args;
    Args words;
    std::optional<std::string> ns;
  };
  const Case cases[] = {
      {{"-n", "prod", "ops", "logs", "web"}, {"ops", "logs", "web"}, "prod"},
      {{"ops", "-n", "prod", "logs", "web"}, {"ops", "logs", "web"}, "prod"},
      {{"ops", "logs", "web", "-n", "prod"}, {"ops", "logs", "web"}, "prod"},
      {{"ops", "logs", "-nprod", "web"}, {"ops", "logs", "web"}, "prod"},
      {{"ops", "logs", "--namespace=prod", "web"}, {"ops", "logs", "web"}, "prod"},
      {{"ops", "logs", "--namespace", "prod", "web"}, {"ops", "logs", "web"}, "prod"},
      {{"ops", "logs", "-n=prod", "web"}, {"ops", "logs", "web"}, "prod"},
      {{"ops", "logs", "web", "-f"}, {"ops", "logs", "web", "-f"}, std::nullopt},
      {{"ops", "logs", "web", "--tail", "5"}, {"ops", "logs", "web", "--tail", "5"}, std::nullopt},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args.size());
    auto line = parsed(c.args);
    CHECK(line.words == c.words);
    CHECK(line.flags.namespace_ == c.ns);
  }
}

TEST_CASE("the last namespace flag wins") {
  auto line = parsed({"-n", "a", "ops", "x", "--namespace=b"});
  CHECK(line.flags.namespace_ == "b");
}

TEST_CASE("nothing after -- is touched, and -- itself reaches the command") {
  auto line = parsed({"ops", "exec", "web", "-n", "prod", "--", "ls", "-n", "-v", "--help",
                      "--kubeconfig", "x"});
  CHECK(line.flags.namespace_ == "prod");
  CHECK_FALSE(line.flags.help);
  CHECK(line.flags.verbosity == 0);
  CHECK_FALSE(line.flags.kubeconfig.has_value());
  CHECK(line.words == Args{"ops", "exec", "web", "--", "ls", "-n", "-v", "--help", "--kubeconfig", "x"});
}

TEST_CASE("kubeconfig and context, both spellings") {
  auto spaced = parsed({"--kubeconfig", "/tmp/k", "ops", "--context", "kind", "caps"});
  CHECK(spaced.flags.kubeconfig == "/tmp/k");
  CHECK(spaced.flags.context == "kind");
  CHECK(spaced.words == Args{"ops", "caps"});
  auto joined = parsed({"ops", "caps", "--kubeconfig=/tmp/k", "--context=kind"});
  CHECK(joined.flags.kubeconfig == "/tmp/k");
  CHECK(joined.flags.context == "kind");
  CHECK(joined.words == Args{"ops", "caps"});
}

TEST_CASE("verbosity: -v, -vv, repeated -v, --v=N and -v=N") {
  CHECK(parsed({"ops"}).flags.verbosity == 0);
  CHECK(parsed({"-v", "ops"}).flags.verbosity == 1);
  CHECK(parsed({"ops", "-vv"}).flags.verbosity == 2);
  CHECK(parsed({"-v", "ops", "-v"}).flags.verbosity == 2);
  CHECK(parsed({"ops", "--v=2"}).flags.verbosity == 2);
  CHECK(parsed({"-v=1", "ops"}).flags.verbosity == 1);
  CHECK(parsed({"-vvv", "--v=0"}).flags.verbosity == 0);
  auto bad = parse_command_line({"--v=lots"});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().kind == orka::ErrorKind::Usage);
  CHECK(bad.error().message.find("lots") != std::string::npos);
}

TEST_CASE("--plugin-path is repeatable and keeps its order") {
  auto line = parsed({"--plugin-path", "/a", "ops", "--plugin-path=/b", "hello", "--plugin-path", "/c"});
  CHECK(line.flags.plugin_paths == Args{"/a", "/b", "/c"});
  CHECK(line.words == Args{"ops", "hello"});
}

TEST_CASE("-h and --help are recognised at any level") {
  CHECK(parsed({"--help"}).flags.help);
  CHECK(parsed({"ops", "-h"}).flags.help);
  auto line = parsed({"ops", "logs", "--help"});
  CHECK(line.flags.help);
  CHECK(line.words == Args{"ops", "logs"});
}

TEST_CASE("a value flag without a value is a usage error naming the flag") {
  for (const Args& args : {Args{"ops", "-n"}, Args{"--kubeconfig"}, Args{"--context", "--v=1"},
                           Args{"--plugin-path", "-n", "x"}, Args{"--namespace="},
                           Args{"--kubeconfig="}}) {
    auto line = parse_command_line(args);
    REQUIRE_FALSE(line.has_value());
    CHECK(line.error().kind == orka::ErrorKind::Usage);
    CHECK(line.error().message.find("flag ") != std::string::npos);
    CHECK(orka::exit_code_for(line.error()) == 2);
  }
}

TEST_CASE("unknown flags are left for the command (or the dispatcher) to reject") {
  auto line = parsed({"--bogus", "ops", "logs", "--follow", "-c", "app"});
  CHECK(line.words == Args{"--bogus", "ops", "logs", "--follow", "-c", "app"});
}
