// Keepalive for a SPDY session: a PING every interval while the session is open, so proxies,
// NATs and load balancers that cut idle connections see traffic; a PING left unanswered for
// keepalive_dead_after(interval) means the connection is dead, and the session is ended with an
// error that says so (every stream on it then fails with it: never a clean end).
// Internal to liborka; SpdyMuxConnection owns one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "orka/error.hpp"

namespace orka::core {

class SpdyPinger {
 public:
  // One PING round trip, waiting at most `timeout` (SpdySession::ping).
  using Ping =
      std::function<Result<std::chrono::steady_clock::duration>(std::chrono::milliseconds timeout)>;
  // Called once, on the pinger's thread, when a PING went unanswered: ends the session.
  using Dead = std::function<void(Error why)>;

  // Starts the pinger's thread; `interval` zero: no PINGs until set_interval().
  SpdyPinger(Ping ping, Dead on_dead, std::chrono::milliseconds interval);
  ~SpdyPinger();  // stop()
  SpdyPinger(const SpdyPinger&) = delete;
  SpdyPinger& operator=(const SpdyPinger&) = delete;

  // The next PING goes out `interval` from now; zero stops them.
  void set_interval(std::chrono::milliseconds interval) noexcept;
  std::chrono::milliseconds interval() const noexcept;

  // Ends the thread and joins it. A PING in flight is waited for: end the session first, which
  // makes it return at once. Idempotent; not from on_dead.
  void stop() noexcept;

 private:
  void run();

  Ping ping_;
  Dead on_dead_;
  std::atomic<std::int64_t> interval_ms_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_ = false;
  bool interval_changed_ = false;
  std::mutex join_mutex_;
  std::thread thread_;
};

// The error a session ends with when its PINGs went unanswered.
Error spdy_keepalive_dead(std::chrono::milliseconds waited);

}  // namespace orka::core
