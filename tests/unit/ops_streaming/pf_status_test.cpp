// pf's live status on a terminal, driven with events and a clock of the test's own: the numbers
// per listener, the redraw in place (and how often), and the plain lines off a terminal.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "forward_status.hpp"
#include "pf_command.hpp"

using namespace orka;
using namespace orka::streaming;
using namespace std::chrono_literals;
using Type = ForwardEvent::Type;

namespace {

const StatusClock::time_point t0{};

ForwardEvent ready(const std::string& address, std::uint16_t local, std::uint16_t remote) {
  ForwardEvent e;
  e.type = Type::Ready;
  e.local_address = address;
  e.local_port = local;
  e.remote_port = remote;
  e.pod = "web-0";
  return e;
}

ForwardEvent connection(Type type, std::uint64_t id, std::uint16_t local, std::uint64_t in = 0,
                        std::uint64_t out = 0) {
  ForwardEvent e;
  e.type = type;
  e.connection = id;
  e.local_address = "127.0.0.1";
  e.local_port = local;
  e.remote_port = 80;
  e.pod = "web-0";
  e.bytes_in = in;
  e.bytes_out = out;
  e.message = "connection refused";
  return e;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("pf status: connections open and in all, bytes and rate each way, per listener") {
  ForwardStatus status;
  status.on_event(ready("127.0.0.1", 8080, 80), t0);
  status.on_event(ready("::1", 8080, 80), t0);
  status.on_event(connection(Type::ConnectionOpened, 1, 8080), t0 + 1s);
  status.on_event(connection(Type::ConnectionOpened, 2, 8080), t0 + 2s);
  // 1: open 1 s → 3 s with 4 KiB in, 1 KiB out.
  status.on_event(connection(Type::ConnectionClosed, 1, 8080, 4096, 1024), t0 + 3s);
  auto lines = status.lines(t0 + 4s);
  REQUIRE(lines.size() == 2);
  // The window is the listener's 4 s of life: 4 KiB / 4 s in, 1 KiB / 4 s out.
  CHECK(lines[0] ==
        "127.0.0.1:8080 -> 80 (pod web-0): 1 open, 2 in all; in 4.0 KiB (1.0 KiB/s), "
        "out 1.0 KiB (256 B/s)");
  CHECK(lines[1] ==
        "[::1]:8080 -> 80 (pod web-0): 0 open, 0 in all; in 0 B (0 B/s), out 0 B (0 B/s)");

  // 10 s later the bytes stay counted and the rate falls to nothing.
  CHECK(status.lines(t0 + 14s)[0] ==
        "127.0.0.1:8080 -> 80 (pod web-0): 1 open, 2 in all; in 4.0 KiB (0 B/s), out 1.0 KiB (0 B/s)");

  // A connection that lived 10 s, closed now: half its life is in the last 5 s.
  status.on_event(connection(Type::ConnectionClosed, 2, 8080, 10 * 1024 * 1024, 0), t0 + 12s);
  CHECK(status.lines(t0 + 12s)[0] ==
        "127.0.0.1:8080 -> 80 (pod web-0): 0 open, 2 in all; in 10.0 MiB (1.0 MiB/s), "
        "out 1.0 KiB (0 B/s)");
}

TEST_CASE("pf status: a retargeted forward names its new pod; unknown listeners are ignored") {
  ForwardStatus status;
  status.on_event(ready("127.0.0.1", 5432, 5432), t0);
  ForwardEvent moved;
  moved.type = Type::Retargeted;
  moved.pod = "db-1";
  status.on_event(moved, t0 + 1s);
  status.on_event(connection(Type::ConnectionOpened, 1, 9999), t0 + 1s);
  auto lines = status.lines(t0 + 2s);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("127.0.0.1:5432 -> 5432 (pod db-1): 0 open, 0 in all"));
}

TEST_CASE("human byte counts") {
  CHECK(human_bytes(0) == "0 B");
  CHECK(human_bytes(1023) == "1023 B");
  CHECK(human_bytes(1536) == "1.5 KiB");
  CHECK(human_bytes(3.0 * 1024 * 1024) == "3.0 MiB");
  CHECK(human_bytes(5.0 * 1024 * 1024 * 1024 * 1024 * 1024) == "5120.0 TiB");
}

TEST_CASE("the live block is redrawn in place: up over the old lines, each line erased") {
  std::ostringstream out;
  LiveBlock block(out);
  block.draw({"a", "b"});
  CHECK(out.str() == "\x1b[2Ka\n\x1b[2Kb\n");
  out.str("");
  block.draw({"a2", "b2"});
  CHECK(out.str() == "\x1b[2F\x1b[2Ka2\n\x1b[2Kb2\n");
  out.str("");
  block.draw({"only"});  // shrank: what was below is erased
  CHECK(out.str() == "\x1b[2F\x1b[2Konly\n\x1b[J");
  out.str("");
  block.clear();
  CHECK(out.str() == "\x1b[1F\x1b[J");
  out.str("");
  block.clear();  // nothing on screen: nothing to do
  CHECK(out.str().empty());
}

TEST_CASE("pf on a terminal: kept lines above the block, at most one redraw per interval") {
  std::ostringstream out, err;
  ForwardPrinter printer(out, err, /*live=*/true, /*verbose=*/false);
  printer.on_event(ready("127.0.0.1", 8080, 80), t0);
  // The Forwarding line is kept, then the block is drawn under it.
  CHECK(out.str() ==
        "Forwarding from 127.0.0.1:8080 -> 80 (pod web-0)\n"
        "\x1b[2K127.0.0.1:8080 -> 80 (pod web-0): 0 open, 0 in all; in 0 B (0 B/s), out 0 B (0 B/s)\n");
  out.str("");
  // Events within the interval change the numbers but not the screen...
  printer.on_event(connection(Type::ConnectionOpened, 1, 8080), t0 + 50ms);
  printer.on_event(connection(Type::ConnectionOpened, 2, 8080), t0 + 100ms);
  printer.tick(t0 + 200ms);
  CHECK(out.str().empty());
  // ...until it has passed.
  printer.tick(t0 + 260ms);
  CHECK(out.str() == "\x1b[1F\x1b[2K127.0.0.1:8080 -> 80 (pod web-0): 2 open, 2 in all; in 0 B "
                     "(0 B/s), out 0 B (0 B/s)\n");
  out.str("");
  // An error goes to stderr with the block taken away first and drawn again after it.
  printer.on_event(connection(Type::ConnectionError, 2, 8080), t0 + 300ms);
  CHECK(err.str() == "error: connection 2 for port 8080 -> 80: connection refused\n");
  CHECK(out.str().starts_with("\x1b[1F\x1b[J\x1b[2K127.0.0.1:8080"));
  out.str("");
  printer.on_event(connection(Type::ConnectionClosed, 2, 8080, 100, 10), t0 + 400ms);
  CHECK(out.str().empty());  // 100 ms after the last redraw
  printer.finish(t0 + 450ms);  // the last numbers are left on screen
  CHECK(count(out.str(), "1 open, 2 in all; in 100 B") == 1);
}

TEST_CASE("pf off a terminal: the plain lines of before, no escape sequences") {
  std::ostringstream out, err;
  ForwardPrinter printer(out, err, /*live=*/false, /*verbose=*/true);
  printer.on_event(ready("127.0.0.1", 8080, 80), t0);
  printer.on_event(connection(Type::ConnectionOpened, 1, 8080), t0 + 1s);
  printer.tick(t0 + 2s);
  printer.on_event(connection(Type::ConnectionClosed, 1, 8080, 5, 6), t0 + 3s);
  printer.finish(t0 + 4s);
  CHECK(out.str() ==
        "Forwarding from 127.0.0.1:8080 -> 80 (pod web-0)\n"
        "Handling connection 1 for 8080\n"
        "Connection 1 closed (5 bytes in, 6 bytes out)\n");
  CHECK(err.str().empty());
}

TEST_CASE("the live block only on a terminal that can move the cursor") {
  CHECK_FALSE(live_status_wanted(false));
  const char* saved = std::getenv("TERM");
  const std::string before = saved != nullptr ? saved : "";
  setenv("TERM", "xterm-256color", 1);
  CHECK(live_status_wanted(true));
  setenv("TERM", "dumb", 1);
  CHECK_FALSE(live_status_wanted(true));
  if (saved != nullptr) setenv("TERM", before.c_str(), 1);
  else unsetenv("TERM");
}
