// The SPDY keepalive thread: PING, wait for the answer (bounded), sleep, repeat.
#include "transport/spdy_pinger.hpp"

#include <fmt/format.h>

#include "orka/keepalive.hpp"

namespace orka::core {

Error spdy_keepalive_dead(std::chrono::milliseconds waited) {
  return make_error(ErrorKind::Transport,
                    fmt::format("the connection is dead: the server left a keepalive PING "
                                "unanswered for {} ms",
                                waited.count()),
                    "the network path to the API server dropped the connection without closing "
                    "it; start the command again");
}

SpdyPinger::SpdyPinger(Ping ping, Dead on_dead, std::chrono::milliseconds interval)
    : ping_(std::move(ping)),
      on_dead_(std::move(on_dead)),
      interval_ms_(std::max<std::int64_t>(0, interval.count())) {
  thread_ = std::thread([this] { run(); });
}

SpdyPinger::~SpdyPinger() { stop(); }

void SpdyPinger::set_interval(std::chrono::milliseconds interval) noexcept {
  interval_ms_ = std::max<std::int64_t>(0, interval.count());
  {
    std::lock_guard lock(mutex_);
    interval_changed_ = true;
  }
  changed_.notify_all();
}

std::chrono::milliseconds SpdyPinger::interval() const noexcept {
  return std::chrono::milliseconds(interval_ms_.load());
}

void SpdyPinger::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  std::lock_guard join_lock(join_mutex_);
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void SpdyPinger::run() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  for (;;) {
    const std::chrono::milliseconds interval = this->interval();
    interval_changed_ = false;
    auto woken = [this] { return stop_ || interval_changed_; };
    if (interval.count() == 0) {
      changed_.wait(lock, woken);
    } else if (changed_.wait_until(lock, Clock::now() + interval, woken)) {
      if (stop_) return;
      continue;  // a new interval: the next PING is one new interval away
    }
    if (stop_) return;
    if (interval.count() == 0) continue;
    const std::chrono::milliseconds dead_after = keepalive_dead_after(interval);
    lock.unlock();
    auto answer = ping_(dead_after);
    lock.lock();
    if (stop_) return;
    if (answer) continue;
    // Unanswered: the connection is dead. Any other failure means the session already ended
    // (closed, cancelled, the server went away): its streams report that error themselves.
    if (answer.error().kind != ErrorKind::Timeout) return;
    lock.unlock();
    on_dead_(spdy_keepalive_dead(dead_after));
    return;
  }
}

}  // namespace orka::core
