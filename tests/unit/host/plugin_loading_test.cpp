#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "orka/host.hpp"
#include "orka/ops.hpp"
#include "orka_hello/hello_op.hpp"
#include "orka/plugin.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using orka::testing::fixture;
using orka::testing::TempDir;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::unique_ptr<orka::Host> isolated_host(std::vector<std::string> plugin_paths = {}) {
  orka::HostOptions options;
  options.plugin_paths = std::move(plugin_paths);
  options.use_env_plugin_path = false;
  options.use_default_plugin_dir = false;
  return orka::Host::create(std::move(options));
}

std::string canonical(const std::string& path) { return fs::canonical(path).string(); }

// Loads one fixture into a fresh host and returns the single failure it recorded.
orka::PluginLoadError refusal_of(const std::string& name) {
  auto host = isolated_host();
  auto loaded = host->load_plugin(fixture(name));
  REQUIRE_FALSE(loaded.has_value());
  REQUIRE(host->load_errors().size() == 1);
  CHECK(host->plugins().empty());
  CHECK(host->load_errors().front().message == loaded.error().message);
  return host->load_errors().front();
}

std::string abi(unsigned major, unsigned minor) { return fmt::format("{}.{}", major, minor); }

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("the hello fixture loads, adds its command and provides its own op") {
  auto host = isolated_host();
  auto loaded = host->load_plugin(fixture("hello"));
  REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().message));
  CHECK(loaded->name == "hello");
  CHECK(loaded->version == "1.2.3");
  CHECK(loaded->abi_major == ORKA_PLUGIN_ABI_MAJOR);
  CHECK(loaded->abi_minor == ORKA_PLUGIN_ABI_MINOR);
  CHECK(loaded->path == canonical(fixture("hello")));
  CHECK(loaded->commands == std::vector<std::string>{"hello"});
  CHECK(loaded->ops == std::vector<std::string>{"hello"});
  CHECK(loaded->toolchain == ORKA_BUILD_TOOLCHAIN);
  CHECK(loaded->sdk_version == ORKA_SDK_VERSION_STRING);
  REQUIRE(host->plugins().size() == 1);
  CHECK(host->load_errors().empty());

  const auto* by_name = host->find_command("hello");
  REQUIRE(by_name != nullptr);
  CHECK(host->find_command("hi") == by_name);  // alias
  CHECK(host->find_command("caps") != nullptr);  // the host's built-in
  CHECK(host->find_command("nope") == nullptr);

  // Loading the same file again is not a duplicate: it is the same plugin.
  auto again = host->load_plugin(fixture("hello"));
  REQUIRE(again.has_value());
  CHECK(host->plugins().size() == 1);
  CHECK(host->load_errors().empty());
}

TEST_CASE("a file that is not a shared object: CannotOpen with dlopen's reason") {
  auto failure = refusal_of("not_a_plugin");
  CHECK(failure.reason == orka::LoadFailure::CannotOpen);
  CHECK(contains(failure.message, "orka-not_a_plugin.so"));
  CHECK(contains(failure.message, "cannot load plugin"));
  CHECK(failure.name.empty());
}

TEST_CASE("a missing file: CannotOpen, and a NotFound error") {
  auto host = isolated_host();
  auto loaded = host->load_plugin("/nonexistent/orka-ghost.so");
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().kind == orka::ErrorKind::NotFound);
  REQUIRE(host->load_errors().size() == 1);
  CHECK(host->load_errors()[0].reason == orka::LoadFailure::CannotOpen);
  CHECK(contains(host->load_errors()[0].message, "orka-ghost.so"));
}

TEST_CASE("no entry symbol: NoEntrySymbol naming the symbol") {
  auto failure = refusal_of("no_entry");
  CHECK(failure.reason == orka::LoadFailure::NoEntrySymbol);
  CHECK(contains(failure.message, "orka-no_entry.so"));
  CHECK(contains(failure.message, ORKA_PLUGIN_ENTRY_SYMBOL));
}

TEST_CASE("an entry point returning null: BadDescriptor") {
  auto failure = refusal_of("bad_descriptor");
  CHECK(failure.reason == orka::LoadFailure::BadDescriptor);
  CHECK(contains(failure.message, "orka-bad_descriptor.so"));
  CHECK(contains(failure.message, "no descriptor"));
}

TEST_CASE("a different ABI major: AbiMismatch naming the file and both ABIs") {
  auto failure = refusal_of("bad_major");
  CHECK(failure.reason == orka::LoadFailure::AbiMismatch);
  CHECK(contains(failure.message, "orka-bad_major.so"));
  CHECK(contains(failure.message, "plugin ABI " + abi(ORKA_PLUGIN_ABI_MAJOR + 1, 0)));
  CHECK(contains(failure.message, "plugin ABI " + abi(ORKA_PLUGIN_ABI_MAJOR, ORKA_PLUGIN_ABI_MINOR)));
  CHECK(contains(failure.message, "rebuild"));
}

TEST_CASE("a newer ABI minor: AbiMismatch with its own message") {
  auto failure = refusal_of("newer_minor");
  CHECK(failure.reason == orka::LoadFailure::AbiMismatch);
  CHECK(contains(failure.message, "orka-newer_minor.so"));
  CHECK(contains(failure.message, "plugin ABI " + abi(ORKA_PLUGIN_ABI_MAJOR, ORKA_PLUGIN_ABI_MINOR + 1)));
  CHECK(contains(failure.message, "plugin ABI " + abi(ORKA_PLUGIN_ABI_MAJOR, ORKA_PLUGIN_ABI_MINOR)));
  CHECK(contains(failure.message, "newer"));
  CHECK(failure.message != refusal_of("bad_major").message);
}

TEST_CASE("an older ABI minor loads: the host still has everything it may use") {
  auto host = isolated_host();
  auto loaded = host->load_plugin(fixture("older_minor"));
  REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().message));
  CHECK(loaded->abi_minor == ORKA_PLUGIN_ABI_MINOR - 1);
  CHECK(host->find_command("older") != nullptr);
}

TEST_CASE("another toolchain: ToolchainMismatch naming both toolchains, before registering") {
  auto failure = refusal_of("other_toolchain");
  CHECK(failure.reason == orka::LoadFailure::ToolchainMismatch);
  CHECK(failure.name == "other_toolchain");
  CHECK(contains(failure.message, "orka-other_toolchain.so"));
  CHECK(contains(failure.message, "\"clang++ 99, libc++ 990000, C++ 202302, nlohmann_json 3.11\""));
  CHECK(contains(failure.message, std::string("\"") + ORKA_BUILD_TOOLCHAIN + "\""));
  CHECK(contains(failure.message, "rebuild the plugin"));
}

TEST_CASE("a register function that throws: RegisterFailed with the exception text") {
  auto failure = refusal_of("throwing_register");
  CHECK(failure.reason == orka::LoadFailure::RegisterFailed);
  CHECK(failure.name == "throwing_register");
  CHECK(contains(failure.message, "orka-throwing_register.so"));
  CHECK(contains(failure.message, "the throwing fixture always throws"));
}

TEST_CASE("a register function that fails: RegisterFailed, and its command is rolled back") {
  auto host = isolated_host();
  auto loaded = host->load_plugin(fixture("failing_register"));
  REQUIRE_FALSE(loaded.has_value());
  REQUIRE(host->load_errors().size() == 1);
  const auto& failure = host->load_errors()[0];
  CHECK(failure.reason == orka::LoadFailure::RegisterFailed);
  CHECK(contains(failure.message, "the failing fixture needs a setting it never gets"));
  CHECK(host->find_command("half-registered") == nullptr);
  CHECK(host->plugins().empty());
}

TEST_CASE("a second plugin named hello is refused, naming both files") {
  auto host = isolated_host();
  REQUIRE(host->load_plugin(fixture("hello")).has_value());
  auto second = host->load_plugin(fixture("hello_duplicate"));
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().kind == orka::ErrorKind::Conflict);
  REQUIRE(host->load_errors().size() == 1);
  const auto& failure = host->load_errors()[0];
  CHECK(failure.reason == orka::LoadFailure::DuplicateName);
  CHECK(failure.name == "hello");
  CHECK(contains(failure.message, canonical(fixture("hello_duplicate"))));
  CHECK(contains(failure.message, canonical(fixture("hello"))));
  CHECK(host->find_command("hello-impostor") == nullptr);
  REQUIRE(host->plugins().size() == 1);
  CHECK(host->plugins()[0].version == "1.2.3");
}

TEST_CASE("a plugin claiming a taken command is refused whole: its other command and op vanish") {
  auto host = isolated_host();
  REQUIRE(host->load_plugin(fixture("hello")).has_value());
  auto thief = host->load_plugin(fixture("steals_command"));
  REQUIRE_FALSE(thief.has_value());
  REQUIRE(host->load_errors().size() == 1);
  const auto& failure = host->load_errors()[0];
  CHECK(failure.reason == orka::LoadFailure::DuplicateName);
  CHECK(contains(failure.message, "\"hello\""));
  CHECK(contains(failure.message, canonical(fixture("hello"))));  // who owns it
  CHECK(host->find_command("thief-extra") == nullptr);
  auto drained = host->ops().run<orka::DrainOp>({"node-1", {}});
  REQUIRE_FALSE(drained.has_value());
  CHECK(drained.error().kind == orka::ErrorKind::Unsupported);
  CHECK(host->ops().list().size() == 1);  // hello's own op only
}

TEST_CASE("a plugin providing an op the host already has is refused") {
  auto host = isolated_host();
  class Local final : public orka_hello::HelloOp {
    orka::Result<orka_hello::HelloOutcome> run(const orka_hello::HelloRequest&) override { return {}; }
  };
  REQUIRE(host->provide<orka_hello::HelloOp>(std::make_shared<Local>(), {}).has_value());
  auto loaded = host->load_plugin(fixture("hello"));
  REQUIRE_FALSE(loaded.has_value());
  REQUIRE(host->load_errors().size() == 1);
  CHECK(host->load_errors()[0].reason == orka::LoadFailure::DuplicateName);
  CHECK(contains(host->load_errors()[0].message, "the hello op (version 1) is already provided by orka itself"));
  CHECK(host->find_command("hello") == nullptr);  // rolled back with the op
}

TEST_CASE("loading the whole fixture directory: hello and older_minor load, every other fixture refused") {
  auto host = isolated_host({orka::testing::fixture_dir()});
  host->load_plugins();
  REQUIRE(host->plugins().size() == 2);
  std::set<std::string> names;
  for (const auto& plugin : host->plugins()) names.insert(plugin.name);
  CHECK(names == std::set<std::string>{"hello", "older_minor"});

  std::map<std::string, orka::LoadFailure> expected = {
      {"orka-not_a_plugin.so", orka::LoadFailure::CannotOpen},
      {"orka-no_entry.so", orka::LoadFailure::NoEntrySymbol},
      {"orka-bad_descriptor.so", orka::LoadFailure::BadDescriptor},
      {"orka-bad_major.so", orka::LoadFailure::AbiMismatch},
      {"orka-newer_minor.so", orka::LoadFailure::AbiMismatch},
      {"orka-other_toolchain.so", orka::LoadFailure::ToolchainMismatch},
      {"orka-throwing_register.so", orka::LoadFailure::RegisterFailed},
      {"orka-failing_register.so", orka::LoadFailure::RegisterFailed},
      {"orka-hello_duplicate.so", orka::LoadFailure::DuplicateName},
      {"orka-steals_command.so", orka::LoadFailure::DuplicateName},
  };
  std::map<std::string, orka::LoadFailure> actual;
  std::set<std::string> messages;
  for (const auto& failure : host->load_errors()) {
    actual[fs::path(failure.path).filename().string()] = failure.reason;
    messages.insert(failure.message);
  }
  CHECK(actual == expected);
  CHECK(messages.size() == expected.size());  // each refusal says something of its own

  CHECK(host->find_command("hello") != nullptr);
  CHECK(host->find_command("half-registered") == nullptr);
  CHECK(host->find_command("thief-extra") == nullptr);
  CHECK(host->find_command("hello-impostor") == nullptr);
  CHECK(host->commands().size() == 3);  // caps + hello + older

  // A second call does not load or refuse anything twice.
  host->load_plugins();
  CHECK(host->plugins().size() == 2);
  CHECK(host->load_errors().size() == expected.size());
}

TEST_CASE("search path: --plugin-path dirs in order, then ORKA_PLUGIN_PATH; first name wins") {
  TempDir first, second, third;
  fs::copy_file(fixture("hello"), first.path() / "orka-hello.so");
  fs::create_directory(second.path() / "nested");
  fs::copy_file(fixture("hello"), second.path() / "nested" / "orka-hello.so");
  fs::copy_file(fixture("hello"), third.path() / "orka-hello.so");
  const std::string missing = (first.path() / "does-not-exist").string();
  ScopedEnv env("ORKA_PLUGIN_PATH", third.str() + "::" + missing);

  orka::HostOptions options;
  options.plugin_paths = {second.str(), first.str()};
  options.use_default_plugin_dir = false;
  auto host = orka::Host::create(options);
  CHECK(host->plugin_search_path() ==
        std::vector<std::string>{canonical(second.str()), canonical(first.str()),
                                 canonical(third.str()), missing});

  host->load_plugins();
  REQUIRE(host->plugins().size() == 1);
  const auto winner = canonical((second.path() / "nested" / "orka-hello.so").string());
  CHECK(host->plugins()[0].path == winner);  // one level of subdirectories is searched
  REQUIRE(host->load_errors().size() == 2);   // the missing dir is skipped silently
  CHECK(host->load_errors()[0].path == canonical((first.path() / "orka-hello.so").string()));
  CHECK(host->load_errors()[1].path == canonical((third.path() / "orka-hello.so").string()));
  for (const auto& failure : host->load_errors()) {
    CHECK(failure.reason == orka::LoadFailure::DuplicateName);
    CHECK(contains(failure.message, winner));
  }

  SUBCASE("without the environment variable only the flag dirs count") {
    options.use_env_plugin_path = false;
    auto flag_only = orka::Host::create(options);
    CHECK(flag_only->plugin_search_path() ==
          std::vector<std::string>{canonical(second.str()), canonical(first.str())});
  }
}

TEST_CASE("one directory named twice loads its plugins once") {
  auto host = isolated_host({orka::testing::fixture_dir(), orka::testing::fixture_dir() + "/."});
  CHECK(host->plugin_search_path().size() == 1);
  host->load_plugins();
  CHECK(host->plugins().size() == 2);  // hello and older_minor, once each
}

TEST_CASE("every LoadFailure has its own name") {
  using orka::LoadFailure;
  std::set<std::string> names;
  for (auto failure : {LoadFailure::CannotOpen, LoadFailure::NoEntrySymbol,
                       LoadFailure::BadDescriptor, LoadFailure::AbiMismatch,
                       LoadFailure::ToolchainMismatch, LoadFailure::RegisterFailed,
                       LoadFailure::DuplicateName})
    names.insert(std::string(orka::to_string(failure)));
  CHECK(names.size() == 7);
  CHECK(names.count("AbiMismatch") == 1);
}
