#include "logs.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "line_filter.hpp"
#include "log_lines.hpp"
#include "orka/json_fields.hpp"
#include "orka/pod_targets.hpp"

namespace orka::streaming {
namespace {

// A followed log of a quiet pod brings a few hundred bytes per read, a finished 100 MiB log
// fills any buffer: the read buffer starts small and doubles while reads fill it, so a hundred
// quiet streams hold 16 KiB each instead of 256 KiB, and a fast one soon reads 256 KiB at once.
constexpr std::size_t kFirstReadSize = 16 * 1024;
constexpr std::size_t kMaxReadSize = 256 * 1024;
constexpr std::chrono::milliseconds kFirstBackoff{250};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

enum class ContainerState { Running, Stopped, PodGone, Unknown };

// Where the container is now, to tell a cut connection (resume) from a finished log (stop).
ContainerState container_state(Client& client, const std::string& namespace_,
                               const std::string& pod, const std::string& container,
                               const CancelToken& cancel) {
  auto object = get_pod(client, namespace_, pod, cancel);
  if (!object) return object.error().kind == ErrorKind::NotFound ? ContainerState::PodGone
                                                                 : ContainerState::Unknown;
  if (pod_deleting(*object) && !pod_running(*object)) return ContainerState::PodGone;
  const std::string name = container.empty() ? default_container(*object) : container;
  for (const char* field : {"containerStatuses", "initContainerStatuses"}) {
    auto pointer = nlohmann::json::json_pointer(std::string("/status/") + field);
    if (!object->contains(pointer) || !object->at(pointer).is_array()) continue;
    for (const auto& status : object->at(pointer)) {
      if (json_string(status, "name") != name) continue;
      auto state = status.find("state");
      if (state != status.end() && state->contains("running")) return ContainerState::Running;
      return ContainerState::Stopped;
    }
  }
  return ContainerState::Unknown;
}

class LogStreamer {
 public:
  LogStreamer(Client& client, std::string namespace_, PodRef pod, std::string container,
              const LogOptions& options, const LineFilter& filter)
      : client_(client),
        namespace_(std::move(namespace_)),
        pod_(std::move(pod)),
        container_(std::move(container)),
        options_(options),
        filter_(filter) {
    if (options_.limit_bytes) bytes_left_ = static_cast<std::uint64_t>(std::max<std::int64_t>(*options_.limit_bytes, 0));
  }

  Result<void> run(StreamWriter<LogEvent>& out) {
    const CancelToken& cancel = out.cancel();
    std::size_t read_size = kFirstReadSize;
    auto buffer = std::make_unique_for_overwrite<char[]>(read_size);
    bool first = true;
    auto backoff = kFirstBackoff;
    while (!cancel.cancelled() && !stopped_) {
      std::string since;
      if (!first && resume_.last()) since = format_since_time(*resume_.last());
      Request request;
      request.path = log_path(namespace_, pod_.name, container_, options_, since);
      request.accept = "text/plain, */*";
      request.timeout = options_.follow ? std::chrono::milliseconds(0) : std::chrono::milliseconds(60000);
      request.permission = Permission{"get", "", "pods", "log", namespace_, pod_.name};
      auto opened = client_.open_stream(request, cancel);
      if (!opened) {
        if (cancel.cancelled()) return {};
        const auto kind = opened.error().kind;
        if (first || kind == ErrorKind::Forbidden || kind == ErrorKind::Unauthorized)
          return fail(opened.error());
        if (!should_retry(cancel)) return {};
        if (cancel.wait_for(backoff)) return {};
        backoff = std::min(backoff * 2, kMaxBackoff);
        continue;
      }
      first = false;
      ByteStream& body = **opened;
      auto closer = cancel.on_cancel([&body] { body.close(); });
      bool delivered = false;
      bool broken = false;
      while (!stopped_) {
        auto n = body.read(buffer.get(), read_size);
        if (!n) {
          broken = true;
          break;
        }
        if (*n == 0) break;
        delivered = true;
        splitter_.feed(std::string_view(buffer.get(), *n),
                       [&](std::string_view line) { handle_line(line); });
        deliver(out);
        if (*n == read_size && read_size < kMaxReadSize) {
          read_size *= 2;  // the splitter kept no view into the old buffer
          buffer = std::make_unique_for_overwrite<char[]>(read_size);
        }
      }
      closer.reset();
      if (stopped_ || cancel.cancelled()) return {};
      if (delivered) backoff = kFirstBackoff;
      if (!broken && !options_.follow) {
        flush_partial(out);
        return {};
      }
      // A followed log that ended cleanly, or any cut connection: find out which.
      if (!should_retry(cancel)) {
        flush_partial(out);
        return {};
      }
      splitter_.discard_partial();
      resume_.begin_resume();
      if (!delivered || broken) {
        if (cancel.wait_for(backoff)) return {};
        backoff = std::min(backoff * 2, kMaxBackoff);
      }
    }
    return {};
  }

 private:
  // True when the log may still grow: the container runs (or its state is unknown).
  bool should_retry(const CancelToken& cancel) {
    if (options_.previous) return false;  // a terminated container's log does not change
    switch (container_state(client_, namespace_, pod_.name, container_, cancel)) {
      case ContainerState::PodGone: return false;
      case ContainerState::Stopped: return false;
      case ContainerState::Running:
      case ContainerState::Unknown: return true;
    }
    return true;
  }

  void handle_line(std::string_view raw) {
    if (stopped_) return;
    const TimestampedLine parsed = split_timestamp(raw);
    if (!resume_.accept(parsed.time)) return;
    std::string_view text = parsed.text;
    bool last = false;
    if (options_.limit_bytes) {
      // kubectl's --limit-bytes counts what it prints; the timestamps orka asks for only to
      // resume are not printed, so they do not count.
      const std::uint64_t prefix =
          options_.timestamps && !parsed.timestamp.empty() ? parsed.timestamp.size() + 1 : 0;
      const std::uint64_t cost = prefix + text.size() + 1;
      if (cost < bytes_left_) {
        bytes_left_ -= cost;
      } else {
        if (bytes_left_ <= prefix) {
          stopped_ = true;
          return;
        }
        if (cost > bytes_left_) text = text.substr(0, bytes_left_ - prefix);
        bytes_left_ = 0;
        last = true;
      }
    }
    if (!filter_.empty() && !filter_.passes(text)) {
      stopped_ = stopped_ || last;
      return;
    }
    LogEvent event;
    event.chunk.pod = pod_.name;
    event.chunk.container = container_;
    if (options_.timestamps) event.chunk.timestamp.assign(parsed.timestamp);
    event.chunk.line.assign(text);
    batch_.push_back(std::move(event));
    if (last) stopped_ = true;
  }

  // The lines of one read go to the consumer together: one wake-up per read, not per line.
  void deliver(StreamWriter<LogEvent>& out) {
    if (batch_.empty()) return;
    if (!out.push_all(batch_)) stopped_ = true;
    batch_.clear();
  }

  void flush_partial(StreamWriter<LogEvent>& out) {
    if (auto rest = splitter_.take_partial()) handle_line(*rest);
    deliver(out);
  }

  Client& client_;
  std::string namespace_;
  PodRef pod_;
  std::string container_;
  const LogOptions& options_;
  const LineFilter& filter_;
  LineSplitter splitter_;
  std::vector<LogEvent> batch_;
  ResumeState resume_;
  std::uint64_t bytes_left_ = 0;
  bool stopped_ = false;
};

}  // namespace

std::string log_path(const std::string& namespace_, const std::string& pod,
                     const std::string& container, const LogOptions& options,
                     const std::string& resume_since_time) {
  ApiPath path = pod_path(namespace_, pod).segment("log").query("timestamps", "true");
  if (!container.empty()) path.query("container", container);
  if (options.follow) path.query("follow", "true");
  if (options.previous) path.query("previous", "true");
  if (!resume_since_time.empty()) return path.query("sinceTime", resume_since_time).str();
  if (options.tail_lines) path.query("tailLines", std::to_string(*options.tail_lines));
  if (options.since_seconds) path.query("sinceSeconds", std::to_string(*options.since_seconds));
  if (options.since_time) path.query("sinceTime", *options.since_time);
  return path.str();
}

Result<void> stream_container_log(Client& client, const std::string& namespace_,
                                  const std::string& pod, const std::string& container,
                                  const LogOptions& options, const LineFilter& filter,
                                  StreamWriter<LogEvent>& out) {
  LogStreamer streamer(client, namespace_, PodRef{namespace_, pod}, container, options, filter);
  return streamer.run(out);
}

}  // namespace orka::streaming
