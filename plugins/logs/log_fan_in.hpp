// Many log streams (one per pod/container) merged into one channel for the single printer.
// Each stream gets a forwarder thread; a stream's own drops become marker items, and the
// merged channel drops its oldest items too when the printer lags.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "orka/ops.hpp"
#include "orka/stream.hpp"

namespace orka::streaming {

struct MergedLine {
  LogChunk chunk;
  std::uint64_t dropped = 0;  // > 0: a marker for lines this stream lost before the next one
};

struct StreamEnd {
  std::string key;
  std::string pod;
  std::string container;
  Result<void> outcome;
};

class LogFanIn {
 public:
  // `close_when_idle`: close the merged channel when the last stream ends (no follow).
  // `overflow`: Block for a finished log (nothing lost), DropOldest when following.
  LogFanIn(OrkaOps& ops, std::size_t capacity, bool close_when_idle, Overflow overflow);
  ~LogFanIn();
  LogFanIn(const LogFanIn&) = delete;
  LogFanIn& operator=(const LogFanIn&) = delete;

  // Starts one stream; `key` identifies it (pod UID/container) for has().
  void add(const std::string& key, const PodRef& pod, const std::string& container,
           const LogOptions& options);
  bool has(const std::string& key) const;
  std::size_t running() const { return running_.load(); }
  std::size_t started() const;

  BoundedChannel<MergedLine>& merged() { return *merged_; }

  // Joins the streams that ended and hands back their outcomes.
  std::vector<StreamEnd> reap();

  // Cancels every stream and joins the forwarders.
  void stop();

  // No more add() calls will come (non-follow), so the channel may close when all end.
  void seal();

 private:
  struct Forwarder {
    std::string key;
    std::string pod;
    std::string container;
    std::thread thread;
    Stream<LogChunk> stream;
    std::atomic<bool> done{false};
    Result<void> outcome;
  };
  void forward(Forwarder& forwarder);
  void maybe_close();

  OrkaOps& ops_;
  std::shared_ptr<BoundedChannel<MergedLine>> merged_;
  bool close_when_idle_;
  std::atomic<bool> sealed_{false};
  std::atomic<std::size_t> running_{0};
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Forwarder>> forwarders_;
  std::vector<std::string> keys_;  // every key ever started
};

}  // namespace orka::streaming
