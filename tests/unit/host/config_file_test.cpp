// orka's config file: where it is looked for, what it may hold, and the message each mistake in
// it gets (the file, the line, the key); and how its flag defaults meet the environment and the
// command line.
#include <doctest/doctest.h>

#include <cxxopts.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "command_flags.hpp"
#include "config_file.hpp"
#include "flag_defaults.hpp"
#include "global_flags.hpp"
#include "test_paths.hpp"

using namespace orka::cli;
using orka::ErrorKind;
using orka::testing::TempDir;
using Args = std::vector<std::string>;

namespace {

const std::string kFile = "/home/u/.config/orka/config.yaml";

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

ConfigFile parsed(const std::string& text) {
  auto config = parse_config_text(text, kFile);
  REQUIRE_MESSAGE(config.has_value(), (config ? "" : config.error().message));
  return *config;
}

// The message and hint of a file that must be refused, as one string.
std::string refusal(const std::string& text) {
  auto config = parse_config_text(text, kFile);
  REQUIRE_FALSE(config.has_value());
  CHECK(config.error().kind == ErrorKind::Usage);
  return config.error().message + " | " + config.error().hint;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A flag table as the logs command's --help prints it, from a real cxxopts parser.
std::vector<CommandFlag> logs_like_table() {
  cxxopts::Options options("orka ops logs", "");
  options.custom_help("");
  options.add_options()("c,container", "container", cxxopts::value<std::string>())  //
      ("f,follow", "follow")                                                         //
      ("max-streams", "most streams", cxxopts::value<std::size_t>()->default_value("20"))  //
      ("include", "lines matching RE (repeatable)", cxxopts::value<std::string>())   //
      ("transport", "auto, websocket or spdy", cxxopts::value<std::string>())        //
      ("wait", "wait for ready or present", cxxopts::value<std::string>()->implicit_value("ready"))
      ("json", "JSON Lines")("h,help", "show this help");
  return parse_flag_table(options.help({}, false));
}

Args defaulted(const ConfigFile& config, const Args& user, const EnvLookup& env = env_of({}),
               const Args& names = {"logs"}) {
  auto result = apply_flag_defaults(names, logs_like_table(), user, config, env);
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
  return result->args;
}

}  // namespace

TEST_CASE("the flag table of a cxxopts help page: long and short names, switches and values") {
  auto table = logs_like_table();
  REQUIRE(table.size() == 8);
  const auto* container = find_flag(table, "container");
  REQUIRE(container != nullptr);
  CHECK(container->short_name == 'c');
  CHECK(container->kind == CommandFlag::Kind::Value);
  CHECK(find_flag(table, "follow")->kind == CommandFlag::Kind::Switch);
  CHECK(find_flag(table, "follow")->short_name == 'f');
  CHECK(find_flag(table, "max-streams")->kind == CommandFlag::Kind::Value);
  CHECK_FALSE(find_flag(table, "max-streams")->short_name.has_value());
  CHECK(find_flag(table, "wait")->kind == CommandFlag::Kind::OptionalValue);
  CHECK(find_flag(table, "json")->kind == CommandFlag::Kind::Switch);
  CHECK(find_flag(table, "nope") == nullptr);
  // Description lines and the usage text are not flags.
  CHECK(parse_flag_table("usage: orka ops x --flag\n\n   --not-a-flag at this indent\n").empty());
}

TEST_CASE("where the config file is: --config, ORKA_CONFIG, XDG_CONFIG_HOME, ~/.config") {
  auto env = env_of({{"ORKA_CONFIG", "/etc/orka.yaml"},
                     {"XDG_CONFIG_HOME", "/xdg"},
                     {"HOME", "/home/u"}});
  auto flag = locate_config_file(std::string("/tmp/c.yaml"), env);
  CHECK(flag.path == "/tmp/c.yaml");
  CHECK(flag.required);
  auto from_env = locate_config_file(std::nullopt, env);
  CHECK(from_env.path == "/etc/orka.yaml");
  CHECK(from_env.required);
  auto xdg = locate_config_file(std::nullopt, env_of({{"XDG_CONFIG_HOME", "/xdg"}, {"HOME", "/h"}}));
  CHECK(xdg.path == "/xdg/orka/config.yaml");
  CHECK_FALSE(xdg.required);
  // A relative XDG_CONFIG_HOME is not valid (XDG base directory spec): ~/.config instead.
  auto home = locate_config_file(std::nullopt, env_of({{"XDG_CONFIG_HOME", "rel"}, {"HOME", "/h"}}));
  CHECK(home.path == "/h/.config/orka/config.yaml");
  // Empty means none, whichever way it is given.
  CHECK_FALSE(locate_config_file(std::string(), env).path.has_value());
  CHECK_FALSE(locate_config_file(std::nullopt, env_of({{"ORKA_CONFIG", ""}})).path.has_value());
}

TEST_CASE("a whole config file is read: colour, namespaces per context, flags, ops") {
  auto config = parsed(
      "# orka settings\n"
      "colour: never\n"
      "contexts:\n"
      "  kind-orka:\n"
      "    namespace: team-a\n"
      "  prod: {namespace: web}\n"
      "flags:\n"
      "  transport: websocket\n"
      "  keepalive: 30s\n"
      "ops:\n"
      "  logs:\n"
      "    max-streams: 50\n"
      "    follow: true\n"
      "    include: [error, 'warn, or not']\n");
  CHECK(config.colour == orka::ColourChoice::Never);
  CHECK(config.colour_origin == kFile + " line 2 (colour)");
  REQUIRE(config.namespaces.size() == 2);
  CHECK(config.namespaces["kind-orka"].namespace_ == "team-a");
  CHECK(config.namespaces["kind-orka"].origin == kFile + " line 5 (contexts.kind-orka.namespace)");
  CHECK(config.namespaces["prod"].namespace_ == "web");
  REQUIRE(config.all_commands.size() == 2);
  CHECK(config.all_commands[1].flag == "keepalive");
  CHECK(config.all_commands[1].values == Args{"30s"});
  const auto& logs = config.by_command.at("logs");
  REQUIRE(logs.size() == 3);
  CHECK(logs[0].origin == kFile + " line 12 (ops.logs.max-streams)");
  CHECK(logs[1].is_bool);
  CHECK(logs[2].values == Args{"error", "warn, or not"});
}

TEST_CASE("an empty file, or one of comments only, sets nothing") {
  CHECK(parsed("").path == kFile);
  CHECK(parsed("# nothing yet\n").all_commands.empty());
  CHECK(parsed("flags:\n").all_commands.empty());
}

TEST_CASE("each bad config file is refused with its line and key") {
  struct Case {
    const char* text;
    std::vector<const char*> said;
  };
  const Case cases[] = {
      {"colur: never\n", {"line 1: unknown key \"colur\"", "did you mean \"colour\"?"}},
      {"colour: sometimes\n", {"line 1: colour: expected auto, always or never, got \"sometimes\""}},
      {"colour: [always]\n", {"line 1: colour: expected auto, always or never"}},
      {"- colour\n", {"line 1: the file must be a mapping"}},
      {"contexts:\n  - kind\n", {"line 2: contexts must be a mapping"}},
      {"contexts:\n  kind:\n    namespce: a\n",
       {"line 3: unknown key \"namespce\" in contexts.kind", "did you mean \"namespace\"?"}},
      {"contexts:\n  kind:\n    namespace: Not_A_Name\n", {"line 3: contexts.kind.namespace: "}},
      {"contexts:\n  kind: {namespace: {a: b}}\n",
       {"line 2: contexts.kind.namespace: expected a namespace name"}},
      {"flags:\n  transport: websocket\n  transport: spdy\n",
       {"line 3: \"transport\" is given twice in flags (first on line 2)"}},
      {"flags:\n  transport:\n", {"line 2: flags.transport: no value"}},
      {"colour:\nflags: {}\n", {"line 1: colour: expected auto, always or never"}},
      {"contexts:\n  kind:\n    namespace:\n", {"line 3: contexts.kind.namespace: expected a namespace name"}},
      {"flags:\n  transport: {a: b}\n", {"line 2: flags.transport: expected a value"}},
      {"flags:\n  --transport: spdy\n", {"line 2: flags.--transport: \"--transport\" is not a flag name"}},
      {"flags:\n  help: true\n", {"line 2: flags.help: --help cannot have a default"}},
      {"flags:\n  include: []\n", {"line 2: flags.include: an empty list"}},
      {"flags:\n  include: [[a]]\n", {"line 2: flags.include: a list of values cannot hold lists"}},
      {"ops:\n  logs: 5\n", {"line 2: ops.logs must be a mapping"}},
      {"ops:\n  logs:\n    max-streams: [1, [2]]\n", {"line 3: ops.logs.max-streams: a list"}},
      {"colour: auto\ncolor: never\n", {"line 2: colour is given twice"}},
      {"flags: {transport: spdy\n", {"not valid YAML"}},
      {"ops:\n  logs:\n   max-streams: 1\n  bad indent: [\n", {"line ", "not valid YAML"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto said = refusal(c.text);
    CAPTURE(said);
    CHECK(said.starts_with(kFile));
    for (const char* part : c.said) CHECK(contains(said, part));
  }
}

TEST_CASE("a missing default file is no settings; a missing named one, or a directory, is an error") {
  TempDir dir;
  auto absent = load_config_file({(dir.path() / "none.yaml").string(), false, "default"});
  REQUIRE(absent.has_value());
  CHECK(absent->path.empty());

  auto named = load_config_file({(dir.path() / "none.yaml").string(), true, "--config"});
  REQUIRE_FALSE(named.has_value());
  CHECK(named.error().kind == ErrorKind::Usage);
  CHECK(contains(named.error().message, "cannot read the config file"));
  CHECK(contains(named.error().message, "(from --config): No such file or directory"));

  auto directory = load_config_file({dir.str(), false, "default"});
  REQUIRE_FALSE(directory.has_value());
  CHECK(contains(directory.error().message, "not a regular file"));

  const auto file = dir.path() / "config.yaml";
  std::ofstream(file) << "ops:\n  logs:\n    max-streams: 7\n";
  auto read = load_config_file({file.string(), false, "default"});
  REQUIRE(read.has_value());
  CHECK(read->by_command.at("logs").front().origin == file.string() + " line 3 (ops.logs.max-streams)");
}

TEST_CASE("flag defaults: command line > environment > ops: NAME > flags:") {
  auto config = parsed(
      "flags:\n  transport: spdy\n  max-streams: 5\n"
      "ops:\n  logs:\n    max-streams: 9\n");
  // The file alone: the command's section beats flags:.
  CHECK(defaulted(config, {"web"}) == Args{"--max-streams=9", "--transport=spdy", "web"});
  // The environment beats the file.
  CHECK(defaulted(config, {"web"}, env_of({{"ORKA_MAX_STREAMS", "3"}, {"ORKA_TRANSPORT", "websocket"}})) ==
        Args{"--transport=websocket", "--max-streams=3", "web"});
  // A flag on the command line beats both, in every spelling cxxopts reads.
  for (const Args& user : {Args{"web", "--max-streams", "1"}, Args{"web", "--max-streams=1"}}) {
    CAPTURE(user[1]);
    auto args = defaulted(config, user, env_of({{"ORKA_MAX_STREAMS", "3"}}));
    Args expected{"--transport=spdy"};
    expected.insert(expected.end(), user.begin(), user.end());
    CHECK(args == expected);
  }
  // The section is found by an alias too.
  auto aliased = parsed("ops:\n  port-forward:\n    transport: websocket\n");
  CHECK(defaulted(aliased, {"x"}, env_of({}), {"pf", "port-forward"}) ==
        Args{"--transport=websocket", "x"});
  // An empty variable is an unset one.
  CHECK(defaulted(config, {"web"}, env_of({{"ORKA_MAX_STREAMS", ""}})).front() == "--max-streams=9");
}

TEST_CASE("flag defaults: short flags, values and switches as the user gave them") {
  auto config = parsed("ops:\n  logs:\n    container: app\n    follow: true\n    include: [a, b]\n");
  CHECK(defaulted(config, {"web"}) ==
        Args{"--container=app", "--follow", "--include=a", "--include=b", "web"});
  // -c given (bundled after -f, or alone with its value): the file's container is not added.
  CHECK(defaulted(config, {"-fcside", "web"}) == Args{"--include=a", "--include=b", "-fcside", "web"});
  CHECK(defaulted(config, {"-c", "side", "web"}) ==
        Args{"--follow", "--include=a", "--include=b", "-c", "side", "web"});
  // A value that looks like a flag is the value of the flag before it, not a flag.
  CHECK(defaulted(config, {"--container", "-f", "web"}) ==
        Args{"--follow", "--include=a", "--include=b", "--container", "-f", "web"});
  // Nothing after "--" is a flag.
  CHECK(defaulted(config, {"web", "--", "--follow"}).front() == "--container=app");
  // false leaves a switch off; an optional value takes true as its bare form.
  CHECK(defaulted(parsed("ops:\n  logs: {follow: false, wait: true}\n"), {"w"}) == Args{"--wait", "w"});
  CHECK(defaulted(parsed("ops:\n  logs: {wait: present}\n"), {"w"}) == Args{"--wait=present", "w"});
}

TEST_CASE("flag defaults the command cannot take: an error for its section, a note otherwise") {
  auto unknown = apply_flag_defaults({"logs"}, logs_like_table(), {"web"},
                                     parsed("ops:\n  logs:\n    max-stream: 5\n"), env_of({}));
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == ErrorKind::Usage);
  CHECK(unknown.error().message ==
        kFile + " line 3 (ops.logs.max-stream): `orka ops logs` has no flag --max-stream");
  CHECK(contains(unknown.error().hint, "did you mean \"max-streams\"?"));

  auto not_a_switch = apply_flag_defaults({"logs"}, logs_like_table(), {"web"},
                                          parsed("ops:\n  logs:\n    follow: 'yes'\n"), env_of({}));
  REQUIRE_FALSE(not_a_switch.has_value());
  CHECK(not_a_switch.error().message ==
        kFile + " line 3 (ops.logs.follow): --follow is a switch: expected true or false, got \"yes\"");

  // keepalive in flags: for every command that has it; logs has not (yet): only a note.
  auto noted = apply_flag_defaults({"logs"}, logs_like_table(), {"web"},
                                   parsed("flags:\n  keepalive: 30s\n"),
                                   env_of({{"ORKA_KEEPALIVE", "10s"}}));
  REQUIRE(noted.has_value());
  CHECK(noted->args == Args{"web"});
  REQUIRE(noted->notes.size() == 2);
  CHECK(noted->notes[0] == "the environment (ORKA_KEEPALIVE=10s): `orka ops logs` has no --keepalive; not applied");
  CHECK(noted->notes[1] == kFile + " line 2 (flags.keepalive): `orka ops logs` has no --keepalive; not applied");
}

TEST_CASE("a command's usage error about a defaulted flag names where the default came from") {
  auto config = parsed("flags:\n  max-streams: lots\n");
  auto result = apply_flag_defaults({"logs"}, logs_like_table(), {"web"}, config, env_of({}));
  REQUIRE(result.has_value());
  auto error = orka::make_error(ErrorKind::Usage,
                                "invalid value \"lots\" for --max-streams: expected a whole number");
  auto said = attribute_to_default(error, result->applied);
  CHECK(said.message == kFile + " line 2 (flags.max-streams): invalid value \"lots\" for "
                                "--max-streams: expected a whole number");
  // A refused value quoted without the flag's name is found by the value.
  auto quoted = orka::make_error(ErrorKind::Usage, "unknown size \"lots\"");
  CHECK(attribute_to_default(quoted, result->applied).message ==
        kFile + " line 2 (flags.max-streams): unknown size \"lots\"");
  // Another flag's error, or one that only starts with the name: the message stays, the hint
  // lists the defaults in effect.
  auto other = orka::make_error(ErrorKind::Usage, "--max-streams-x is odd; --container is needed",
                                "see --help");
  auto said_other = attribute_to_default(other, result->applied);
  CHECK(said_other.message == other.message);
  CHECK(said_other.hint ==
        "see --help; defaults in effect: --max-streams from " + kFile + " line 2 (flags.max-streams)");
  // Errors that are not about the command line are left alone.
  auto remote = orka::make_error(ErrorKind::NotFound, "pod \"lots\" not found");
  CHECK(attribute_to_default(remote, result->applied).message == remote.message);
}

TEST_CASE("--config and --colour are global flags; an empty --config means no file") {
  auto line = parse_command_line({"--config", "/tmp/c.yaml", "ops", "--color=never", "logs"});
  REQUIRE(line.has_value());
  CHECK(line->flags.config == "/tmp/c.yaml");
  CHECK(line->flags.colour == "never");
  CHECK(line->words == Args{"ops", "logs"});
  auto none = parse_command_line({"--config=", "ops"});
  REQUIRE(none.has_value());
  CHECK(none->flags.config == "");
  CHECK_FALSE(parse_command_line({"--colour"}).has_value());
}
