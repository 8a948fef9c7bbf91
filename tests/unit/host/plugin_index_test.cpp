// orka/plugin_index.hpp: a command loads only its plugin once the index knows the plugin path,
// and every difference from what the index describes loads them all again.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "orka/contexts.hpp"
#include "orka/host.hpp"
#include "orka/plugin_index.hpp"
#include "orka_hello/hello_op.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using orka::testing::fixture;
using orka::testing::TempDir;

namespace {

// A plugin directory of its own (copies of fixtures, so their times can change) and a cache.
struct IndexedSetup {
  TempDir root;
  fs::path plugins = root.path() / "plugins";
  fs::path cache = root.path() / "cache";
  IndexedSetup(std::initializer_list<const char*> fixtures) {
    fs::create_directories(plugins);
    for (const char* name : fixtures) add(name);
  }
  void add(const std::string& name) {
    fs::copy_file(fixture(name), plugins / ("orka-" + name + ".so"),
                  fs::copy_options::overwrite_existing);
  }
  std::unique_ptr<orka::Host> host(std::optional<std::string> cache_dir = std::nullopt) const {
    orka::HostOptions options;
    options.plugin_paths = {plugins.string()};
    options.use_env_plugin_path = false;
    options.use_default_plugin_dir = false;
    options.cache_dir = cache_dir ? cache_dir : cache.string();
    return orka::Host::create(std::move(options));
  }
  fs::path index() const { return cache / "plugins" / "index.json"; }
};

std::size_t load_for(orka::Host& host, std::string_view command) {
  auto* index = dynamic_cast<orka::PluginIndexLoading*>(&host);
  REQUIRE(index != nullptr);
  return index->load_plugins_for_command(command);
}

std::vector<std::string> plugin_names(const orka::Host& host) {
  std::vector<std::string> names;
  for (const auto& plugin : host.plugins()) names.push_back(plugin.name);
  return names;
}

}  // namespace

TEST_CASE("plugin index: the first command loads every plugin and writes the index") {
  IndexedSetup setup{"hello", "older_minor"};
  auto host = setup.host();
  CHECK(load_for(*host, "hello") == 2);
  CHECK(host->plugins().size() == 2);
  REQUIRE(fs::exists(setup.index()));
  CHECK((fs::status(setup.index()).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK((fs::status(setup.index().parent_path()).permissions() & fs::perms::all) == fs::perms::owner_all);
  std::ifstream in(setup.index());
  const auto document = nlohmann::json::parse(in);
  REQUIRE(document.at("plugins").size() == 2);
  CHECK(document.at("plugins")[0].at("commands") == nlohmann::json({"hello", "hi"}));
  CHECK(document.at("plugins")[1].at("commands") == nlohmann::json({"older"}));
}

TEST_CASE("plugin index: later commands load only their plugin, by name or alias") {
  IndexedSetup setup{"hello", "older_minor"};
  (void)load_for(*setup.host(), "hello");

  auto older = setup.host();
  CHECK(load_for(*older, "older") == 1);
  CHECK(plugin_names(*older) == std::vector<std::string>{"older_minor"});
  CHECK(older->find_command("older") != nullptr);
  CHECK(older->find_command("hello") == nullptr);

  auto hi = setup.host();
  CHECK(load_for(*hi, "hi") == 1);
  CHECK(plugin_names(*hi) == std::vector<std::string>{"hello"});
}

TEST_CASE("plugin index: an op no loaded plugin provides loads the rest, once") {
  IndexedSetup setup{"hello", "older_minor"};
  (void)load_for(*setup.host(), "hello");
  auto host = setup.host();
  REQUIRE(load_for(*host, "older") == 1);
  // The older plugin's command would run another plugin's op: it is there when asked for.
  orka_hello::HelloRequest request;
  request.name = "index";
  request.namespace_ = "default";
  auto outcome = host->ops().run<orka_hello::HelloOp>(request);
  REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
  CHECK(outcome->greeting.find("hello, index!") != std::string::npos);
  CHECK(host->plugins().size() == 2);
  // An op nobody provides is still missing, without loading anything twice.
  CHECK(host->ops().list().size() == 1);
  CHECK(host->plugins().size() == 2);
  CHECK(host->load_errors().empty());
}

TEST_CASE("plugin index: a changed, added or removed plugin file loads every plugin") {
  IndexedSetup setup{"hello", "older_minor"};
  (void)load_for(*setup.host(), "hello");

  SUBCASE("changed") {
    const auto file = setup.plugins / "orka-hello.so";
    fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(2));
  }
  SUBCASE("added") { fs::create_symlink(fixture("hello"), setup.plugins / "orka-zz-hello.so"); }
  SUBCASE("removed") { fs::remove(setup.plugins / "orka-hello.so"); }

  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(setup.plugins)) files += entry.path().extension() == ".so";
  auto host = setup.host();
  (void)load_for(*host, "older");
  CHECK(host->plugins().size() + host->load_errors().size() == files);  // every file tried
  // The index now describes the new path: the next command loads one plugin again, unless a
  // file on it was refused (the added duplicate), which keeps every load whole to say so.
  auto next = setup.host();
  const std::size_t loaded = load_for(*next, "older");
  CHECK(loaded == (host->load_errors().empty() ? 1 : next->plugins().size()));
  CHECK(next->load_errors().size() == host->load_errors().size());
}

TEST_CASE("plugin index: a refused plugin on the path keeps every load whole") {
  IndexedSetup setup{"hello", "bad_major"};
  (void)load_for(*setup.host(), "hello");
  auto host = setup.host();
  CHECK(load_for(*host, "hello") == 1);  // hello is the only plugin that loads
  CHECK(host->load_errors().size() == 1);  // and bad_major was tried again, and refused again
}

TEST_CASE("plugin index: a command no plugin adds loads them all; no cache dir keeps no index") {
  IndexedSetup setup{"hello", "older_minor"};
  (void)load_for(*setup.host(), "hello");
  auto unknown = setup.host();
  CHECK(load_for(*unknown, "nope") == 2);

  auto no_cache = setup.host(std::string());
  CHECK(load_for(*no_cache, "hello") == 2);
  CHECK_FALSE(fs::exists(setup.root.path() / "cache-none"));
}

TEST_CASE("plugin index: a damaged index is replaced") {
  IndexedSetup setup{"hello", "older_minor"};
  fs::create_directories(setup.index().parent_path());
  std::ofstream(setup.index()) << "{\"format\": 1, \"plugins\": [";
  auto host = setup.host();
  CHECK(load_for(*host, "hello") == 2);
  auto next = setup.host();
  CHECK(load_for(*next, "hello") == 1);
}

TEST_CASE("plugin index: a context's host gets the plugins the index left out too") {
  IndexedSetup setup{"hello", "older_minor"};
  (void)load_for(*setup.host(), "hello");
  auto host = setup.host();
  REQUIRE(load_for(*host, "older") == 1);
  auto* contexts = dynamic_cast<orka::HostContexts*>(&host->services());
  REQUIRE(contexts != nullptr);
  auto ops = contexts->ops_for_context("elsewhere");
  REQUIRE_MESSAGE(ops.has_value(), ops.error().message);
  // The context's host cannot load more later: it starts with every plugin.
  auto listed = (*ops)->list();
  CHECK(std::any_of(listed.begin(), listed.end(), [](const auto& op) { return op.name == "hello"; }));
  CHECK(host->plugins().size() == 2);
}
