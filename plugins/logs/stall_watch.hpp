// Finds followed log streams that went silent while their container still writes: the kubelet
// (1.20 at least) keeps reading the file it opened when it rotates the log
// (containerLogMaxSize), so a follow sees nothing of the new file until the container ends.
// kubectl's follow stops there (kubernetes#52218); orka asks again and carries on.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace orka::streaming {

// One thread for every stream of an op. A stream that has been silent for `first_probe` is
// probed (has its container written a line newer than the last one the stream delivered?);
// while it stays silent the probes come at doubling intervals up to `max_probe`, so a quiet
// container costs one small request per `max_probe`. A probe that finds newer lines calls the
// stream's `on_stall`, which closes the stuck connection; the stream then resumes from its last
// line like after any cut connection.
class StallWatch {
 public:
  struct Timing {
    std::chrono::milliseconds first_probe{2000};
    std::chrono::milliseconds max_probe{60000};
  };

  // True when the stream is stuck: newer lines exist than it delivered. Runs on the watch's
  // thread; must end within a bounded time.
  using Probe = std::function<bool()>;
  using OnStall = std::function<void()>;

  explicit StallWatch(Timing timing);
  StallWatch() : StallWatch(Timing{}) {}
  ~StallWatch();  // ends the thread; every Watched must be gone already
  StallWatch(const StallWatch&) = delete;
  StallWatch& operator=(const StallWatch&) = delete;

 private:
  struct Entry {
    Probe probe;
    OnStall on_stall;
    std::chrono::steady_clock::time_point quiet_since;
    std::chrono::milliseconds delay;
    bool probing = false;
  };

 public:
  // A stream under watch while this lives. Its destructor waits for a probe of the stream
  // under way, so the probe and on_stall never outlive what they refer to.
  class Watched {
   public:
    Watched() = default;
    Watched(Watched&& other) noexcept : watch_(other.watch_), entry_(other.entry_) { other.watch_ = nullptr; }
    Watched& operator=(Watched&&) = delete;
    ~Watched();
    // The stream received something: it is not stuck; the probes start over.
    void activity();

   private:
    friend class StallWatch;
    Watched(StallWatch* watch, std::list<Entry>::iterator entry) : watch_(watch), entry_(entry) {}
    StallWatch* watch_ = nullptr;
    std::list<Entry>::iterator entry_;
  };

  Watched watch(Probe probe, OnStall on_stall);

 private:
  void run();

  const Timing timing_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::list<Entry> entries_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace orka::streaming
