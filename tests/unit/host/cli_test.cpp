// The `orka` binary as a user runs it: listings, dispatch, exit codes and Ctrl-C.
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <thread>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "orka/host.hpp"
#include "orka/plugin.hpp"
#include "process.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using orka::testing::ChildProcess;
using orka::testing::ProcessResult;
using orka::testing::TempDir;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

ProcessResult orka_run(const std::vector<std::string>& args) {
  TempDir home;
  return orka::testing::run_orka(args, orka::testing::isolated_env(home.str()));
}

// A copy of orka in a directory of its own: it finds no plugins next to itself, so only the
// fixtures given with --plugin-path load.
const std::string& lone_orka() {
  static TempDir prefix;
  static const std::string path = [] {
    fs::create_directories(prefix.path() / "bin");
    fs::copy_file(orka::testing::orka_binary(), prefix.path() / "bin" / "orka");
    return (prefix.path() / "bin" / "orka").string();
  }();
  return path;
}

orka::testing::EnvChanges lone_env(const TempDir& home) {
  auto env = orka::testing::isolated_env(home.str());
  env["LD_LIBRARY_PATH"] = orka::testing::required_env("ORKA_LIBORKA_DIR");
  return env;
}

// Runs the lone orka with the fixture directory first on the plugin path.
ProcessResult with_fixtures(std::vector<std::string> args) {
  TempDir home;
  args.insert(args.begin(), {"--plugin-path", orka::testing::fixture_dir()});
  ChildProcess child(lone_orka(), args, lone_env(home));
  return child.wait();
}

const std::set<std::string> kOpCommands = {"logs", "exec",   "pf",     "scale",
                                           "rr",   "delete", "cordon", "drain"};

}  // namespace

TEST_CASE("orka plugins --json: the eight op plugins from the build tree, no failures") {
  auto result = orka_run({"plugins", "--json"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  auto report = nlohmann::json::parse(result.out);
  CHECK(report["orka_version"] == orka::version_string());
  CHECK(report["abi"] == fmt::format("{}.{}", ORKA_PLUGIN_ABI_MAJOR, ORKA_PLUGIN_ABI_MINOR));
  const auto build_dir = fs::canonical(orka::testing::build_plugin_dir()).string();
  bool build_dir_listed = false;
  for (const auto& dir : report["search_path"]) build_dir_listed |= dir == build_dir;
  CHECK(build_dir_listed);

  std::set<std::string> names;
  for (const auto& plugin : report["plugins"]) {
    names.insert(plugin["name"].get<std::string>());
    CHECK(plugin["abi"] == report["abi"]);
    CHECK_FALSE(plugin["version"].get<std::string>().empty());
    const auto path = plugin["path"].get<std::string>();
    CHECK(path.starts_with(build_dir + "/"));
    CHECK(fs::exists(path));
    REQUIRE(plugin["commands"].is_array());
    CHECK(plugin["commands"].size() >= 1);
    // Each op plugin provides the op of its command's name, built as orka was.
    CHECK(plugin["ops"] == nlohmann::json::array({plugin["name"]}));
    CHECK(plugin["toolchain"] == report["toolchain"]);
  }
  CHECK(names == kOpCommands);
  CHECK(report["builtin_commands"] == nlohmann::json::array({"caps"}));
  CHECK(report["failures"].empty());
}

TEST_CASE("orka plugins --json with the fixtures: failures listed with reasons, exit 0") {
  auto result = with_fixtures({"plugins", "--json"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  auto report = nlohmann::json::parse(result.out);
  std::set<std::string> loaded;
  for (const auto& plugin : report["plugins"]) loaded.insert(plugin["name"].get<std::string>());
  CHECK(loaded == std::set<std::string>{"hello", "older_minor"});

  std::map<std::string, std::string> reasons;
  for (const auto& failure : report["failures"]) {
    CHECK_FALSE(failure["message"].get<std::string>().empty());
    reasons[fs::path(failure["path"].get<std::string>()).filename().string()] =
        failure["reason"].get<std::string>();
  }
  CHECK(reasons["orka-bad_major.so"] == "AbiMismatch");
  CHECK(reasons["orka-newer_minor.so"] == "AbiMismatch");
  CHECK(reasons["orka-no_entry.so"] == "NoEntrySymbol");
  CHECK(reasons["orka-not_a_plugin.so"] == "CannotOpen");
  CHECK(reasons["orka-throwing_register.so"] == "RegisterFailed");
  CHECK(reasons["orka-hello_duplicate.so"] == "DuplicateName");
  CHECK(reasons["orka-other_toolchain.so"] == "ToolchainMismatch");
  CHECK(reasons.size() == 10);
}

TEST_CASE("orka plugins (text) names what loaded and what was refused") {
  auto result = with_fixtures({"plugins"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  CHECK(contains(result.out, "hello"));
  CHECK(contains(result.out, "1.2.3"));
  CHECK(contains(result.out, "orka-bad_major.so"));
  CHECK(contains(result.out, "AbiMismatch"));
  CHECK(contains(result.err, "refused"));
}

TEST_CASE("orka ops --help lists every op command with its summary") {
  auto result = orka_run({"ops", "--help"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  for (const auto& op : kOpCommands) {
    CAPTURE(op);
    CHECK(contains(result.out, "\n  " + op + " "));
  }
  CHECK(contains(result.out, "\n  caps "));
  CHECK(contains(result.out, "uncordon"));
}

TEST_CASE("orka ops hello runs the fixture's command with the global flags stripped") {
  auto result = with_fixtures({"ops", "hello", "Bob", "--namespace=prod"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  CHECK(result.out == "hello, Bob! (namespace prod)\n");

  TempDir home;
  ChildProcess child(lone_orka(),
                     {"-nstaging", "--plugin-path=" + orka::testing::fixture_dir(), "ops", "hi"},
                     lone_env(home));
  auto alias = child.wait();
  REQUIRE_MESSAGE(alias.exit_code == 0, alias.err);
  CHECK(alias.out == "hello, world! (namespace staging)\n");
}

TEST_CASE("orka ops <op> --help prints that op's usage") {
  auto result = with_fixtures({"ops", "hello", "--help"});
  REQUIRE(result.exit_code == 0);
  CHECK(contains(result.out, "usage: orka ops hello [NAME]"));
  CHECK(contains(result.out, "aliases: hi"));
}

TEST_CASE("a plugin's exception is an error with exit code 1, not a crash") {
  auto result = with_fixtures({"ops", "hello", "--throw", "-n", "x"});
  CHECK(result.exit_code == 1);
  CHECK(contains(result.err, "error: plugin threw: hello threw on purpose"));
}

TEST_CASE("usage errors exit 2 with a hint") {
  SUBCASE("unknown command") {
    auto result = orka_run({"frobnicate"});
    CHECK(result.exit_code == 2);
    CHECK(contains(result.err, "unknown command \"frobnicate\""));
    CHECK(contains(result.err, "hint:"));
  }
  SUBCASE("misspelled command gets a suggestion") {
    auto result = orka_run({"plugin"});
    CHECK(result.exit_code == 2);
    CHECK(contains(result.err, "did you mean `orka plugins`"));
  }
  SUBCASE("unknown op, with a suggestion") {
    auto result = orka_run({"ops", "cordn", "node-1"});
    CHECK(result.exit_code == 2);
    CHECK(contains(result.err, "unknown op \"cordn\""));
    CHECK(contains(result.err, "orka ops cordon"));
  }
  SUBCASE("unknown global flag") {
    auto result = orka_run({"--bogus", "ops", "--help"});
    CHECK(result.exit_code == 2);
    CHECK(contains(result.err, "unknown flag --bogus"));
  }
  SUBCASE("a flag missing its value") {
    auto result = orka_run({"ops", "logs", "--kubeconfig"});
    CHECK(result.exit_code == 2);
    CHECK(contains(result.err, "--kubeconfig needs a value"));
  }
  SUBCASE("no command at all") {
    auto result = orka_run({});
    CHECK(result.exit_code == 2);
    CHECK(contains(result.err, "usage: orka"));
  }
  SUBCASE("orka plugins with a stray argument") {
    CHECK(orka_run({"plugins", "--yaml"}).exit_code == 2);
  }
}

TEST_CASE("orka --help and orka version exit 0") {
  auto help = orka_run({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "--plugin-path DIR"));
  CHECK(contains(help.out, "130"));
  auto version = orka_run({"version"});
  CHECK(version.exit_code == 0);
  CHECK(contains(version.out, orka::version_string()));
}

TEST_CASE("Ctrl-C cancels the running command: exit 130") {
  for (int signal_number : {SIGINT, SIGTERM}) {
    CAPTURE(signal_number);
    TempDir home;
    ChildProcess child(lone_orka(),
                       {"ops", "hello", "--sleep", "-n", "x", "--plugin-path",
                        orka::testing::fixture_dir()},
                       lone_env(home));
    REQUIRE(child.wait_for_output("sleeping until cancelled", std::chrono::seconds(10)));
    child.send_signal(signal_number);
    auto result = child.wait(std::chrono::seconds(10));
    CHECK(result.killed_by == 0);  // orka handled the signal and exited on its own
    CHECK(result.exit_code == 130);
    CHECK_FALSE(contains(result.err, "error:"));  // a cancelled command is not an error report
  }
}

TEST_CASE("a second Ctrl-C ends a command that ignores the first: exit 130 at once") {
  TempDir home;
  ChildProcess child(lone_orka(),
                     {"ops", "hello", "--stubborn", "-n", "x", "--plugin-path",
                      orka::testing::fixture_dir()},
                     lone_env(home));
  REQUIRE(child.wait_for_output("ignoring Ctrl-C", std::chrono::seconds(10)));
  const auto start = std::chrono::steady_clock::now();
  child.send_signal(SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  child.send_signal(SIGINT);
  auto result = child.wait(std::chrono::seconds(10));
  CHECK(result.killed_by == 0);
  CHECK(result.exit_code == 130);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));  // not the 30 s sleep
}

TEST_CASE("an installed layout finds its plugins next to the executable, no flags needed") {
  // <prefix>/bin/orka with plugins in <prefix>/<libdir>/orka/plugins, or <prefix>/lib/orka/plugins.
  const std::string install_subdir = orka::testing::required_env("ORKA_PLUGIN_INSTALL_SUBDIR");
  for (const std::string& plugin_subdir : {install_subdir, std::string("lib/orka/plugins")}) {
    CAPTURE(plugin_subdir);
    TempDir prefix, home;
    fs::create_directories(prefix.path() / "bin");
    fs::create_directories(prefix.path() / plugin_subdir);
    fs::copy_file(orka::testing::orka_binary(), prefix.path() / "bin" / "orka");
    fs::copy_file(orka::testing::fixture("hello"), prefix.path() / plugin_subdir / "orka-hello.so");

    auto env = orka::testing::isolated_env(home.str());
    env["LD_LIBRARY_PATH"] = orka::testing::required_env("ORKA_LIBORKA_DIR");
    ChildProcess child((prefix.path() / "bin" / "orka").string(), {"plugins", "--json"}, env);
    auto result = child.wait();
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    auto report = nlohmann::json::parse(result.out);
    const auto plugin_dir = fs::canonical(prefix.path() / plugin_subdir).string();
    CHECK(report["search_path"] == nlohmann::json::array({plugin_dir}));
    REQUIRE(report["plugins"].size() == 1);
    CHECK(report["plugins"][0]["name"] == "hello");
    CHECK(report["plugins"][0]["path"] == plugin_dir + "/orka-hello.so");
  }
}

TEST_CASE("run as kubectl-orka (kubectl's plugin), help and usage errors name `kubectl orka`") {
  // What `meson install` puts beside orka; kubectl execs it by its path with the words after
  // `orka` as arguments.
  TempDir bin, home;
  const auto plugin = bin.path() / "kubectl-orka";
  fs::create_symlink(orka::testing::orka_binary(), plugin);
  const auto env = orka::testing::isolated_env(home.str());
  const auto run = [&](const std::vector<std::string>& args) {
    ChildProcess child(plugin.string(), args, env);
    return child.wait();
  };

  auto help = run({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "usage: kubectl orka [global flags] <command> [args]"));
  CHECK(contains(help.out, "`kubectl orka --context NAME ops logs POD`"));
  CHECK(contains(help.out, "kubectl orka ops"));

  auto logs_help = run({"ops", "logs", "--help"});
  CHECK(logs_help.exit_code == 0);
  CHECK(contains(logs_help.out, "usage: kubectl orka ops logs POD"));
  CHECK_FALSE(contains(logs_help.out, "usage: orka"));

  auto ops_help = run({"help", "ops"});
  CHECK(ops_help.exit_code == 0);
  CHECK(contains(ops_help.out, "usage: kubectl orka ops <op>"));

  auto misspelled = run({"plugin"});
  CHECK(misspelled.exit_code == 2);
  CHECK(contains(misspelled.err, "did you mean `kubectl orka plugins`"));

  auto bad_flag = run({"ops", "logs", "--no-such-flag"});
  CHECK(bad_flag.exit_code == 2);
  CHECK(contains(bad_flag.err, "kubectl orka ops logs"));
  CHECK_FALSE(contains(bad_flag.err, "`orka ops"));

  // The same binary by its own name stays `orka`.
  auto plain = orka_run({"--help"});
  CHECK(contains(plain.out, "usage: orka [global flags]"));
  CHECK_FALSE(contains(plain.out, "kubectl"));
}
