// Man pages made from the help pages: one per command, every flag in its page, roff-safe text.
#include <doctest/doctest.h>

#include <algorithm>

#include "catalog_fixture.hpp"
#include "man_pages.hpp"

TEST_CASE("roff text: backslashes, minus signs and a leading dot are escaped") {
  CHECK(orka::cli::roff_text("--tail N") == "\\-\\-tail N");
  CHECK(orka::cli::roff_text("a\\b") == "a\\eb");
  CHECK(orka::cli::roff_text(".hidden") == "\\&.hidden");
  CHECK(orka::cli::roff_text("'quote") == "\\&'quote");
}

TEST_CASE("a page for orka, each app command and each op, third-party ones included") {
  orka::testing::CatalogFixture fixture;
  const auto pages = orka::cli::man_pages(*fixture.catalog);
  auto find = [&](std::string_view name) -> const orka::cli::ManPage* {
    for (const auto& page : pages)
      if (page.file_name == name) return &page;
    return nullptr;
  };
  for (const char* name : {"orka.1", "orka-ops.1", "orka-plugins.1", "orka-version.1",
                           "orka-completion.1", "orka-man.1", "orka-ops-logs.1",
                           "orka-ops-fetch.1", "orka-ops-greet.1", "orka-ops-caps.1"})
    CHECK_MESSAGE(find(name) != nullptr, name);
  std::vector<std::string> names;
  for (const auto& page : pages) names.push_back(page.file_name);
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());  // each page once

  const auto* fetch = find("orka-ops-fetch.1");
  REQUIRE(fetch != nullptr);
  CHECK(fetch->text.starts_with(".TH ORKA\\-OPS\\-FETCH 1 "));
  CHECK(fetch->text.find("orka\\-ops\\-fetch \\- Fetch something from a pod") != std::string::npos);
  for (const char* flag : {"\\-c, \\-\\-container", "\\-\\-mode", "\\-\\-limit", "\\-\\-json"})
    CHECK_MESSAGE(fetch->text.find(flag) != std::string::npos, flag);

  // Every flag of every op is in the op's page.
  for (const auto* spec : fixture.catalog->ops()) {
    const auto* page = find("orka-ops-" + spec->name + ".1");
    REQUIRE_MESSAGE(page != nullptr, spec->name);
    auto described = fixture.catalog->op(spec->name);
    REQUIRE(described);
    for (const auto& flag : described->flags)
      for (const auto& name : flag.flag.names)
        CHECK_MESSAGE(page->text.find(orka::cli::roff_text(name)) != std::string::npos,
                      spec->name << " " << name);
  }
  const auto* main = find("orka.1");
  REQUIRE(main != nullptr);
  CHECK(main->text.find("\\-\\-kubeconfig FILE") != std::string::npos);
  CHECK(main->text.find(".BR orka\\-ops\\-logs (1)") != std::string::npos);
}
