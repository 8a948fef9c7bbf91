#include "stall_watch.hpp"

#include <algorithm>

namespace orka::streaming {

using Clock = std::chrono::steady_clock;

StallWatch::StallWatch(Timing timing) : timing_(timing), thread_([this] { run(); }) {}

StallWatch::~StallWatch() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

StallWatch::Watched StallWatch::watch(Probe probe, OnStall on_stall) {
  std::list<Entry>::iterator entry;
  {
    std::lock_guard lock(mutex_);
    entry = entries_.insert(entries_.end(),
                            Entry{std::move(probe), std::move(on_stall), Clock::now(), timing_.first_probe});
  }
  changed_.notify_all();
  return Watched(this, entry);
}

StallWatch::Watched::~Watched() {
  if (watch_ == nullptr) return;
  std::unique_lock lock(watch_->mutex_);
  watch_->changed_.wait(lock, [this] { return !entry_->probing; });
  watch_->entries_.erase(entry_);
}

void StallWatch::Watched::activity() {
  if (watch_ == nullptr) return;
  std::lock_guard lock(watch_->mutex_);
  entry_->quiet_since = Clock::now();
  entry_->delay = watch_->timing_.first_probe;
}

void StallWatch::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = Clock::now();
    auto next = now + timing_.max_probe;
    Entry* due = nullptr;
    for (auto& entry : entries_) {
      const auto at = entry.quiet_since + entry.delay;
      if (at <= now) {
        due = &entry;
        break;
      }
      next = std::min(next, at);
    }
    if (due == nullptr) {
      changed_.wait_until(lock, next);
      continue;
    }
    // Probed without the lock (a request); the entry stays put until `probing` is false.
    due->probing = true;
    const Probe probe = due->probe;
    lock.unlock();
    const bool stuck = probe();
    lock.lock();
    if (stuck) {
      lock.unlock();
      due->on_stall();
      lock.lock();
    }
    due->probing = false;
    // The next probe of a stream still silent comes later; a stuck one is probed again soon
    // after its reconnect, like a new stream.
    due->quiet_since = Clock::now();
    due->delay = stuck ? timing_.first_probe : std::min(due->delay * 2, timing_.max_probe);
    changed_.notify_all();
  }
}

}  // namespace orka::streaming
