// A host for the completion tests: the build's real op plugins, plus two third-party commands
// registered the two ways a plugin can write one — with command_shape.hpp (cxxopts help), and
// by hand (its own help text, flags named only in the usage line).
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include <cxxopts.hpp>

#include "command_catalog.hpp"
#include "isolated_host.hpp"
#include "orka/command_shape.hpp"
#include "orka/host.hpp"
#include "test_paths.hpp"

namespace orka::testing {

struct FetchCommand {
  static CommandInfo info() {
    return {"fetch", {"get-it"}, "Fetch something from a pod (third-party fixture)",
            "orka ops fetch POD|TYPE/NAME [-c CONTAINER] [--mode fast|slow] [--json]",
            "print JSON"};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    add("c,container", "the container", cxxopts::value<std::string>())
       ("mode", "how to fetch; -1 is not a flag even when this description wraps onto a line "
                "of its own and then goes on for a while longer",
        cxxopts::value<std::string>()->default_value("fast"))
       ("limit", "at most this many", cxxopts::value<long long>());
  }
  static std::string_view flag_for(std::string_view) { return {}; }
  Result<void> complete(const CommandArgs&, CommandContext&) { return {}; }
  Result<void> validate() const { return {}; }
  Result<int> run(CommandContext&) { return 0; }
};

inline CommandSpec handwritten_command() {
  CommandSpec spec;
  spec.name = "greet";
  spec.summary = "Greet a node (hand-written help)";
  spec.usage = "orka ops greet NODE... [--loud | --quiet]";
  spec.run = [](CommandContext& ctx) -> Result<int> {
    ctx.out << "usage: orka ops greet NODE... [--loud | --quiet]\n\nGreets each NODE.\n";
    return 0;
  };
  return spec;
}

struct CatalogFixture {
  TempDir dir;
  std::unique_ptr<Host> host;
  std::unique_ptr<cli::CommandCatalog> catalog;

  CatalogFixture() {
    auto options = isolated_host_options(dir.path());
    options.plugin_paths = {build_plugin_dir()};
    options.cache_dir = "";
    host = Host::create(options);
    host->load_plugins();
    REQUIRE(host->find_command("logs") != nullptr);
    REQUIRE(host->add_command(command_spec<FetchCommand>()).has_value());
    REQUIRE(host->add_command(handwritten_command()).has_value());
    catalog = std::make_unique<cli::CommandCatalog>(*host);
  }
};

}  // namespace orka::testing
