// What `orka ops pf` shows on a terminal: one live line per listening address (connections open
// and in all, bytes and rate each way), redrawn in place at most every kRedrawInterval, with the
// lines worth keeping (Forwarding from ..., errors, -v connection lines) printed above it. Off a
// terminal the same events are plain lines, as before; --json never comes here.
//
// The pf op reports a connection's bytes when it closes (ForwardEvent::ConnectionClosed), so the
// counts grow as connections end, and the rate spreads each closed connection's bytes over its
// lifetime; an open connection's traffic shows once it closes.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "orka/ops/port_forward.hpp"

namespace orka::streaming {

using StatusClock = std::chrono::steady_clock;

// The numbers behind the lines, from events and the time each arrived.
class ForwardStatus {
 public:
  static constexpr std::chrono::seconds kRateWindow{5};
  static constexpr std::size_t kMaxRecent = 4096;

  void on_event(const ForwardEvent& event, StatusClock::time_point now);
  // One line per listener, in the order they became ready.
  std::vector<std::string> lines(StatusClock::time_point now) const;

 private:
  struct Closed {
    StatusClock::time_point opened, closed;
    std::uint64_t bytes_in = 0, bytes_out = 0;
  };
  struct Listener {
    std::string address;
    std::uint16_t local_port = 0;
    std::uint16_t remote_port = 0;
    std::string pod;
    StatusClock::time_point since;
    std::map<std::uint64_t, StatusClock::time_point> open;  // connection id → opened at
    std::uint64_t total = 0;
    std::uint64_t bytes_in = 0, bytes_out = 0;
    std::deque<Closed> recent;  // closed within the rate window
  };
  using Key = std::tuple<std::string, std::uint16_t>;  // local address, local port

  Listener* find(const ForwardEvent& event);

  std::vector<Key> order_;
  std::map<Key, Listener> listeners_;
};

// "127.0.0.1:8080", "[::1]:8080".
std::string host_port(const std::string& address, std::uint16_t port);
// "1.5 KiB", "12 B", "3.0 MiB".
std::string human_bytes(double bytes);

// A block of lines redrawn in place on a terminal: the cursor goes back up over the previous
// block, each line is erased and rewritten. Lines printed with print_above() stay on screen.
class LiveBlock {
 public:
  explicit LiveBlock(std::ostream& out) : out_(out) {}
  void draw(const std::vector<std::string>& lines);
  // Erases the block, so other output can be written where it was; draw() brings it back.
  void clear();
  // Leaves the last block on screen and ends it with a newline.
  void finish();

 private:
  std::ostream& out_;
  std::size_t drawn_ = 0;  // lines of the block now on screen
};

// The human (non-JSON) output of pf: kept lines and, with `live`, the status block, drawn again
// when an event changes it and on tick() — at most once per kRedrawInterval.
class ForwardPrinter {
 public:
  static constexpr std::chrono::milliseconds kRedrawInterval{250};

  ForwardPrinter(std::ostream& out, std::ostream& err, bool live, bool verbose)
      : out_(out), err_(err), live_(live), verbose_(verbose), block_(out) {}
  void on_event(const ForwardEvent& event, StatusClock::time_point now);
  void tick(StatusClock::time_point now);
  void finish(StatusClock::time_point now);

 private:
  void redraw(StatusClock::time_point now, bool force);

  std::ostream& out_;
  std::ostream& err_;
  const bool live_;
  const bool verbose_;
  ForwardStatus status_;
  LiveBlock block_;
  bool drawn_once_ = false;
  StatusClock::time_point last_draw_{};
};

}  // namespace orka::streaming
