#include "log_fan_in.hpp"

#include <algorithm>

namespace orka::streaming {
namespace {

// Lines moved to the merged channel in one push at most: a bound on how long one busy pod
// holds the others back.
constexpr std::size_t kMaxRun = 1024;

}  // namespace

LogFanIn::LogFanIn(OrkaOps& ops, std::size_t capacity, bool close_when_idle, Overflow overflow)
    : ops_(ops),
      merged_(std::make_shared<BoundedChannel<MergedLine>>(capacity, overflow)),
      close_when_idle_(close_when_idle) {}

LogFanIn::~LogFanIn() { stop(); }

void LogFanIn::add(const std::string& key, const PodRef& pod, const std::string& container,
                   const LogOptions& options) {
  auto forwarder = std::make_unique<Forwarder>();
  forwarder->key = key;
  forwarder->pod = pod.name;
  forwarder->container = container;
  forwarder->stream = ops_.logs(pod, container, options);
  Forwarder* raw = forwarder.get();
  std::lock_guard lock(mutex_);
  keys_.push_back(key);
  ++running_;
  forwarders_.push_back(std::move(forwarder));
  raw->thread = std::thread([this, raw] { forward(*raw); });
}

bool LogFanIn::has(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
}

std::size_t LogFanIn::started() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

void LogFanIn::forward(Forwarder& forwarder) {
  BoundedChannel<MergedLine>& merged = *merged_;
  std::vector<MergedLine> run;
  bool ended = false;
  while (!ended) {
    // One line is waited for; what queued behind it goes along in the same push, so the
    // printer is woken once per run, not once per line.
    auto received = forwarder.stream.next();
    for (;;) {
      if (received.dropped_before > 0) {
        MergedLine marker;
        marker.chunk.pod = forwarder.pod;
        marker.chunk.container = forwarder.container;
        marker.dropped = received.dropped_before;
        run.push_back(std::move(marker));
      }
      if (!received) {
        ended = true;
        break;
      }
      run.push_back(MergedLine{std::move(*received.value), 0});
      if (run.size() >= kMaxRun) break;
      received = forwarder.stream.next_for(std::chrono::milliseconds(0));
      if (received.status == ReceiveStatus::TimedOut) break;
    }
    if (!merged.push_all(run)) {
      forwarder.stream.cancel();
      // Keep draining until the producer ends, so finish() below does not wait on a full channel.
    }
    run.clear();
  }
  forwarder.outcome = forwarder.stream.finish();
  forwarder.done = true;
  --running_;
  maybe_close();
}

void LogFanIn::seal() {
  sealed_ = true;
  maybe_close();
}

void LogFanIn::maybe_close() {
  if (close_when_idle_ && sealed_ && running_.load() == 0) merged_->close();
}

std::vector<StreamEnd> LogFanIn::reap() {
  std::vector<std::unique_ptr<Forwarder>> ended;
  {
    std::lock_guard lock(mutex_);
    auto split = std::stable_partition(forwarders_.begin(), forwarders_.end(),
                                       [](const auto& f) { return !f->done.load(); });
    std::move(split, forwarders_.end(), std::back_inserter(ended));
    forwarders_.erase(split, forwarders_.end());
  }
  std::vector<StreamEnd> ends;
  for (auto& f : ended) {
    if (f->thread.joinable()) f->thread.join();
    ends.push_back(StreamEnd{f->key, f->pod, f->container, std::move(f->outcome)});
  }
  return ends;
}

void LogFanIn::stop() {
  std::vector<std::unique_ptr<Forwarder>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& f : forwarders_) f->stream.cancel();
    all = std::move(forwarders_);
    forwarders_.clear();
  }
  merged_->close();
  for (auto& f : all)
    if (f->thread.joinable()) f->thread.join();
}

}  // namespace orka::streaming
