// Output helpers: colour decisions, JSON Lines under threads, progress lines.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "orka/ops.hpp"
#include "orka/output.hpp"

using namespace orka;

namespace {

// Sets (or unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("colour only on a terminal, never with NO_COLOR or TERM=dumb") {
  ScopedEnv no_colour("NO_COLOR", nullptr);
  ScopedEnv term("TERM", "xterm-256color");
  CHECK(colour_wanted(true));
  CHECK_FALSE(colour_wanted(false));
  {
    ScopedEnv set("NO_COLOR", "1");
    CHECK_FALSE(colour_wanted(true));
  }
  {
    ScopedEnv empty("NO_COLOR", "");  // present counts, whatever the value
    CHECK_FALSE(colour_wanted(true));
  }
  {
    ScopedEnv dumb("TERM", "dumb");
    CHECK_FALSE(colour_wanted(true));
  }
  {
    ScopedEnv unset("TERM", nullptr);
    CHECK(colour_wanted(true));
  }
}

TEST_CASE("is_terminal is false for a pipe") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  CHECK_FALSE(is_terminal(fds[0]));
  CHECK_FALSE(is_terminal(fds[1]));
  ::close(fds[0]);
  ::close(fds[1]);
  CHECK_FALSE(is_terminal(-1));
}

TEST_CASE("colourize wraps in SGR codes only when enabled") {
  CHECK(colourize("web-1", Colour::Green, true) == "\x1b[32mweb-1\x1b[0m");
  CHECK(colourize("web-1", Colour::Bold, true) == "\x1b[1mweb-1\x1b[0m");
  CHECK(colourize("web-1", Colour::Green, false) == "web-1");
  CHECK(colourize("web-1", Colour::None, true) == "web-1");
}

TEST_CASE("colour_for is stable, from a palette without red, and spreads names") {
  CHECK(colour_for("web-7d9f-abc") == colour_for("web-7d9f-abc"));
  std::set<Colour> used;
  for (int i = 0; i < 50; ++i) {
    Colour c = colour_for("pod-" + std::to_string(i));
    CHECK(c != Colour::Red);
    CHECK(c != Colour::None);
    CHECK(c != Colour::Bold);
    CHECK(c != Colour::Dim);
    used.insert(c);
  }
  CHECK(used.size() >= 4);
}

TEST_CASE("JSON Lines: whole lines only, even from many threads") {
  std::ostringstream out;
  JsonLinesWriter writer(out);
  constexpr int kThreads = 4;
  constexpr int kEach = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        writer.write({{"thread", t}, {"i", i}, {"line", std::string(100, static_cast<char>('a' + t))}});
    });
  for (auto& t : threads) t.join();

  std::istringstream in(out.str());
  std::string line;
  int lines = 0;
  std::vector<int> next(kThreads, 0);
  bool all_whole = true, in_order = true;
  while (std::getline(in, line)) {
    auto object = nlohmann::json::parse(line, nullptr, false);
    if (object.is_discarded()) {
      all_whole = false;
      continue;
    }
    int t = object["thread"];
    in_order = in_order && object["i"] == next[t];
    ++next[t];
    ++lines;
  }
  CHECK(all_whole);
  CHECK(in_order);
  CHECK(lines == kThreads * kEach);
  CHECK(out.str().back() == '\n');
}

TEST_CASE("JSON Lines: invalid UTF-8 from a log line is replaced, not thrown") {
  std::ostringstream out;
  JsonLinesWriter writer(out);
  CHECK_NOTHROW(writer.write({{"line", std::string("bad \xff\xfe bytes")}}));
  auto object = nlohmann::json::parse(out.str());
  CHECK(object["line"].get<std::string>().find("bad ") == 0);
}

TEST_CASE("a progress event as JSON: phase as event, message, then its data fields") {
  ProgressEvent event{"evicting", "evicting pod web-1", {{"pod", "web-1"}, {"remaining", 2}}};
  auto object = progress_event_json(event);
  CHECK(object["event"] == "evicting");
  CHECK(object["message"] == "evicting pod web-1");
  CHECK(object["pod"] == "web-1");
  CHECK(object["remaining"] == 2);
  CHECK(object.size() == 4);
  CHECK(progress_event_json(ProgressEvent{"done", "ok", nullptr}).size() == 2);
}

TEST_CASE("ProgressLine on a terminal rewrites one line, then ends it") {
  std::ostringstream out;
  {
    ProgressLine progress(out, true);
    progress.update("waiting 1/3");
    progress.update("waiting 2/3");
    progress.update("waiting 2/3");  // unchanged: not redrawn
    progress.finish();
    CHECK(out.str() == "\r\x1b[2Kwaiting 1/3\r\x1b[2Kwaiting 2/3\n");
    progress.finish();  // idempotent
  }
  CHECK(out.str() == "\r\x1b[2Kwaiting 1/3\r\x1b[2Kwaiting 2/3\n");

  std::ostringstream unfinished;
  { ProgressLine progress(unfinished, true); progress.update("x"); }
  CHECK(unfinished.str() == "\r\x1b[2Kx\n");  // the destructor ends the live line
}

TEST_CASE("ProgressLine elsewhere prints each distinct message once, as plain lines") {
  std::ostringstream out;
  {
    ProgressLine progress(out, false);
    progress.update("waiting 1/3");
    progress.update("waiting 1/3");
    progress.update("waiting 2/3");
    progress.finish();
  }
  CHECK(out.str() == "waiting 1/3\nwaiting 2/3\n");
  CHECK(out.str().find('\r') == std::string::npos);
  CHECK(out.str().find('\x1b') == std::string::npos);
}
