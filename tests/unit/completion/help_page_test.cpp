// Help pages read back into their parts, and command descriptions made from them.
#include <doctest/doctest.h>

#include <algorithm>

#include "catalog_fixture.hpp"
#include "command_description.hpp"
#include "help_page.hpp"

using orka::cli::ValueKind;

namespace {

bool has(const std::vector<ValueKind>& kinds, ValueKind kind) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace

TEST_CASE("a cxxopts help page: usage, summary, every flag with its value and whole description") {
  orka::testing::CatalogFixture fixture;
  const auto* spec = fixture.host->find_command("fetch");
  REQUIRE(spec != nullptr);
  const auto text = fixture.catalog->op_help(*spec, "fetch");
  const auto page = orka::cli::parse_help_page(text);
  REQUIRE(page.usage.size() == 1);
  CHECK(page.usage[0] == "orka ops fetch POD|TYPE/NAME [-c CONTAINER] [--mode fast|slow] [--json]");
  REQUIRE(!page.paragraphs.empty());
  CHECK(page.paragraphs[0] == "Fetch something from a pod (third-party fixture)");

  const auto flags = orka::cli::page_flags(page);
  auto find = [&](std::string_view name) -> const orka::cli::FlagSpec* {
    for (const auto& flag : flags)
      if (flag.named(name)) return &flag;
    return nullptr;
  };
  const auto* container = find("-c");
  REQUIRE(container != nullptr);
  CHECK(container->named("--container"));
  CHECK(container->takes_value());
  const auto* mode = find("--mode");
  REQUIRE(mode != nullptr);
  // The wrapped description comes back whole; its continuation starting "-1" is not a flag.
  CHECK(mode->description.find("goes on for a while longer") != std::string::npos);
  CHECK(mode->description.find("(default: fast)") != std::string::npos);
  CHECK(find("-1") == nullptr);
  const auto* json = find("--json");
  REQUIRE(json != nullptr);
  CHECK_FALSE(json->takes_value());
  CHECK(find("--help") != nullptr);
}

TEST_CASE("orka's own pages: titled sections, multi-line usage, switches and value flags") {
  const auto page = orka::cli::parse_help_page(
      "usage: orka ops cordon NODE... [--off] [--json]\n"
      "       orka ops uncordon NODE... [--json]\n"
      "\n"
      "global flags (anywhere):\n"
      "  --kubeconfig FILE     use this file\n"
      "  -n, --namespace NS    the namespace (default: the\n"
      "                        context's)\n"
      "  -v, -vv, --v=N        requests\n"
      "\n"
      "exit codes: 0 ok\n");
  REQUIRE(page.usage.size() == 2);
  CHECK(page.usage[1] == "orka ops uncordon NODE... [--json]");
  REQUIRE(page.sections.size() == 1);
  CHECK(page.sections[0].title == "global flags (anywhere)");
  const auto flags = orka::cli::page_flags(page);
  REQUIRE(flags.size() == 3);
  CHECK(flags[0].value_name == "FILE");
  CHECK(flags[1].description == "the namespace (default: the context's)");
  CHECK(flags[2].named("-vv"));
  CHECK_FALSE(flags[2].takes_value());  // --v=N is written joined only
  CHECK(page.paragraphs == std::vector<std::string>{"exit codes: 0 ok"});
}

TEST_CASE("the real ops describe their arguments by their usage placeholders") {
  orka::testing::CatalogFixture fixture;
  auto& catalog = *fixture.catalog;

  auto logs = catalog.op("logs");
  REQUIRE(logs);
  REQUIRE(!logs->positionals.empty());
  CHECK(has(logs->positionals[0].value.kinds, ValueKind::Pods));
  CHECK(has(logs->positionals[0].value.kinds, ValueKind::Workloads));
  CHECK_FALSE(has(logs->positionals[0].value.kinds, ValueKind::Services));
  REQUIRE(logs->find_flag("-c") != nullptr);
  CHECK(has(logs->find_flag("-c")->value.kinds, ValueKind::Containers));

  auto pf = catalog.op("port-forward");
  REQUIRE(pf);
  REQUIRE(pf->positionals.size() == 2);
  CHECK(has(pf->positionals[0].value.kinds, ValueKind::Services));
  CHECK(has(pf->positionals[1].value.kinds, ValueKind::Ports));
  CHECK(pf->positionals[1].repeated);
  CHECK(pf->find_flag("--transport")->value.choices ==
        std::vector<std::string>{"auto", "websocket", "spdy"});

  auto exec = catalog.op("exec");
  REQUIRE(exec);
  CHECK(exec->has_dashes);
  CHECK(exec->find_flag("--transport")->value.choices.size() == 3);

  auto uncordon = catalog.op("uncordon");
  REQUIRE(uncordon);
  REQUIRE(uncordon->positionals.size() == 1);
  CHECK(has(uncordon->positionals[0].value.kinds, ValueKind::Nodes));
  CHECK(uncordon->positionals[0].repeated);

  auto scale = catalog.op("scale");
  REQUIRE(scale);
  CHECK(scale->find_flag("--mode")->value.choices ==
        std::vector<std::string>{"subresource", "apply"});

  auto caps = catalog.op("caps");
  REQUIRE(caps);
  CHECK(has(caps->find_flag("-n")->value.kinds, ValueKind::Namespaces));

  // A hand-written help: flags named only in its usage line still count.
  auto greet = catalog.op("greet");
  REQUIRE(greet);
  CHECK(greet->find_flag("--loud") != nullptr);
  CHECK_FALSE(greet->find_flag("--loud")->flag.takes_value());
  CHECK(has(greet->positionals.at(0).value.kinds, ValueKind::Nodes));
}
