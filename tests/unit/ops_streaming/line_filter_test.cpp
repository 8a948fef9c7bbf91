#include <doctest/doctest.h>

#include "line_filter.hpp"
#include "log_printer.hpp"
#include "logs_json.hpp"

#include <sstream>

using namespace orka::streaming;

TEST_CASE("include and exclude") {
  auto filter = LineFilter::compile({"ERROR", "WARN"}, {"healthz", "x{2,3}"});
  REQUIRE(filter);
  CHECK(filter->passes("ERROR disk full"));
  CHECK(filter->passes("a WARN here"));
  CHECK_FALSE(filter->passes("INFO started"));
  CHECK_FALSE(filter->passes("ERROR GET /healthz"));
  CHECK_FALSE(filter->passes("WARN xxx"));  // the comma inside {2,3} is part of the pattern
  CHECK(filter->passes("WARN x"));
}

TEST_CASE("no patterns pass everything") {
  auto filter = LineFilter::compile({}, {});
  REQUIRE(filter);
  CHECK(filter->empty());
  CHECK(filter->passes("anything"));
}

TEST_CASE("exclude alone") {
  auto filter = LineFilter::compile({}, {"^DEBUG"});
  REQUIRE(filter);
  CHECK(filter->passes("INFO x"));
  CHECK_FALSE(filter->passes("DEBUG x"));
}

TEST_CASE("a bad pattern is a field error naming the field (a command names its flag)") {
  auto filter = LineFilter::compile({"ok"}, {"(unclosed"});
  REQUIRE_FALSE(filter);
  CHECK(filter.error().kind == orka::ErrorKind::Invalid);
  CHECK(filter.error().causes.at(0).field == "exclude");
  CHECK(filter.error().message.starts_with("exclude "));
  CHECK(filter.error().message.find("(unclosed") != std::string::npos);
}

TEST_CASE("highlight wraps every match") {
  auto h = Highlighter::compile({"err", "[0-9]+"});
  REQUIRE(h);
  std::string out;
  h->append(out, "err at 42 and err", "<", ">");
  CHECK(out == "<err> at <42> and <err>");
  std::string none;
  h->append(none, "quiet line", "<", ">");
  CHECK(none == "quiet line");
}

TEST_CASE("highlight with a pattern that can match empty does not loop") {
  auto h = Highlighter::compile({"x*"});
  REQUIRE(h);
  std::string out;
  h->append(out, "axxb", "<", ">");
  CHECK(out == "a<xx>b");
}

TEST_CASE("drop marker text") {
  CHECK(dropped_marker(1) == "... 1 line dropped ...");
  CHECK(dropped_marker(37) == "... 37 lines dropped ...");
}

TEST_CASE("printer: prefix, timestamps, markers") {
  std::ostringstream out;
  {
    PrintOptions options;
    options.prefix = true;
    options.timestamps = true;
    LogPrinter printer(out, std::move(options));
    printer.line(orka::LogChunk{"web-1", "app", "2024-05-01T10:00:00Z", "hello"});
    printer.line(orka::LogChunk{"web-1", "app", "", "no time"});
    printer.dropped(3, "web-2", "app");
    printer.dropped(2, "", "");
  }
  CHECK(out.str() ==
        "[web-1/app] 2024-05-01T10:00:00Z hello\n"
        "[web-1/app] no time\n"
        "[web-2/app] ... 3 lines dropped ...\n"
        "... 2 lines dropped ...\n");
}

TEST_CASE("printer: JSON lines and marker objects") {
  std::ostringstream out;
  {
    PrintOptions options;
    options.json = true;
    LogPrinter printer(out, std::move(options));
    printer.line(orka::LogChunk{"web-1", "app", "2024-05-01T10:00:00Z", "say \"hi\""});
    printer.dropped(5, "web-1", "app");
  }
  std::istringstream in(out.str());
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  auto line = nlohmann::json::parse(first);
  CHECK(line["pod"] == "web-1");
  CHECK(line["container"] == "app");
  CHECK(line["timestamp"] == "2024-05-01T10:00:00Z");
  CHECK(line["line"] == "say \"hi\"");
  auto marker = nlohmann::json::parse(second);
  CHECK(marker["dropped"] == 5);
  CHECK(marker["pod"] == "web-1");
}
