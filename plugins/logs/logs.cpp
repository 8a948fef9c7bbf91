#include "logs.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "container_instance.hpp"
#include "line_filter.hpp"
#include "log_lines.hpp"
#include "orka/json_fields.hpp"
#include "orka/pod_targets.hpp"
#include "stall_watch.hpp"

namespace orka::streaming {
namespace {

// A followed log of a quiet pod brings a few hundred bytes per read, a finished 100 MiB log
// fills any buffer: the read buffer starts small and doubles while reads fill it, so a hundred
// quiet streams hold 16 KiB each instead of 256 KiB, and a fast one soon reads 256 KiB at once.
constexpr std::size_t kFirstReadSize = 16 * 1024;
constexpr std::size_t kMaxReadSize = 256 * 1024;
constexpr std::chrono::milliseconds kFirstBackoff{250};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
// A probe reads the lines of the last line's second and stops at the first newer one; a
// container writing more than this in one second is taken as not stuck (bounded memory and
// time, not a correctness limit: its stream is not silent anyway).
constexpr std::uint64_t kMaxProbeBytes = 4 * 1024 * 1024;
constexpr std::chrono::milliseconds kProbeTimeout{10000};
// An ended instance's last read (finish_instance) is tried this often before the stream fails.
constexpr int kFinishAttempts = 3;

// The followed container's name in `pod` (`container`, or the pod's default when empty).
std::string container_in(const nlohmann::json& pod, const std::string& container) {
  return container.empty() ? default_container(pod) : container;
}

class LogStreamer {
 public:
  LogStreamer(Client& client, std::string namespace_, PodRef pod, std::string container,
              const LogOptions& options, const LineFilter& filter, const RestartFollowing& restarts,
              StallWatch* stalls)
      : client_(client),
        namespace_(std::move(namespace_)),
        pod_(std::move(pod)),
        container_(std::move(container)),
        options_(options),
        filter_(filter),
        restarts_(restarts),
        stalls_(stalls) {
    whole_ = options_;  // a new instance is read from its first line
    whole_.tail_lines.reset();
    whole_.since_seconds.reset();
    whole_.since_time.reset();
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
      auto opened = client_.open_stream(log_request(*current_, since), cancel);
      if (!opened) {
        if (cancel.cancelled()) return {};
        const auto kind = opened.error().kind;
        if (first || kind == ErrorKind::Forbidden || kind == ErrorKind::Unauthorized)
          return fail(opened.error());
        const AfterEnd next = after_end(cancel);
        if (next == AfterEnd::Gone) return {};
        if (next == AfterEnd::Ended) return finish_instance(out, options_.previous, cancel);
        if (next == AfterEnd::NewInstance) {
          begin_instance(out, cancel);
          continue;
        }
        if (cancel.wait_for(backoff)) return {};
        backoff = std::min(backoff * 2, kMaxBackoff);
        continue;
      }
      // Which instance this is, looked at once the log is open: an instance that ends before
      // this look is taken for the one read (its successor then runs without a marker, none
      // of its lines lost); looking first could mistake the one read for a new one and read
      // it twice.
      if (first && options_.follow && !options_.previous) followed_ = look(cancel);
      first = false;
      ByteStream& body = **opened;
      auto closer = cancel.on_cancel([&body] { body.close(); });
      std::optional<StallWatch::Watched> watched;
      if (stalls_ != nullptr && options_.follow && !options_.previous)
        watched.emplace(stalls_->watch([this, &cancel] { return newer_lines_exist(cancel); },
                                       [this, &body] {
                                         stall_closed_ = true;
                                         body.close();
                                       }));
      const BodyRead read = read_body(body, buffer, read_size, out, watched ? &*watched : nullptr);
      watched.reset();
      closer.reset();
      // An unfinished line on a stuck connection is the first part of a line the runtime
      // split when the log was rotated: its rest opens the new file, as a line of its own.
      if (stall_closed_.exchange(false) && splitter_.has_partial()) carried_ = splitter_.take_partial();
      if (stopped_ || cancel.cancelled()) return {};
      if (read.delivered) backoff = kFirstBackoff;
      if (!read.broken && !options_.follow) {
        flush_partial(out);
        return {};
      }
      // A followed log that ended cleanly, or any cut connection: find out which.
      const AfterEnd next = after_end(cancel);
      if (next == AfterEnd::Gone) {
        flush_partial(out);
        return {};
      }
      if (next == AfterEnd::Ended) return finish_instance(out, options_.previous, cancel);
      if (next == AfterEnd::NewInstance) {
        begin_instance(out, cancel);
        backoff = kFirstBackoff;
        continue;
      }
      splitter_.discard_partial();
      resume_.begin_resume();
      if (!read.delivered || read.broken) {
        if (cancel.wait_for(backoff)) return {};
        backoff = std::min(backoff * 2, kMaxBackoff);
      }
    }
    return {};
  }

 private:
  struct BodyRead {
    bool delivered = false;  // at least one byte arrived
    bool broken = false;     // the connection failed (else it ended cleanly)
  };

  BodyRead read_body(ByteStream& body, std::unique_ptr<char[]>& buffer, std::size_t& read_size,
                     StreamWriter<LogEvent>& out, StallWatch::Watched* watched = nullptr) {
    BodyRead read;
    while (!stopped_) {
      auto n = body.read(buffer.get(), read_size);
      if (!n) {
        read.broken = true;
        break;
      }
      if (*n == 0) break;
      read.delivered = true;
      splitter_.feed(std::string_view(buffer.get(), *n),
                     [&](std::string_view line) { handle_line(line); });
      deliver(out);
      if (watched != nullptr) {
        watched->activity();
        std::lock_guard lock(seen_mutex_);
        seen_ = {resume_.last(), resume_.lines_at_last()};
      }
      if (*n == read_size && read_size < kMaxReadSize) {
        read_size *= 2;  // the splitter kept no view into the old buffer
        buffer = std::make_unique_for_overwrite<char[]>(read_size);
      }
    }
    return read;
  }

  Request log_request(const LogOptions& options, const std::string& since) const {
    Request request;
    request.path = log_path(namespace_, pod_.name, container_, options, since);
    request.accept = "text/plain, */*";
    request.timeout = options.follow ? std::chrono::milliseconds(0) : std::chrono::milliseconds(60000);
    request.permission = Permission{"get", "", "pods", "log", namespace_, pod_.name};
    return request;
  }

  // The stall probe (on the StallWatch's thread): does the container's log, asked afresh from
  // the second of the last line received, hold a line newer than that line (or more lines at
  // its very time than were received)? Then the followed connection is stuck on a rotated file.
  bool newer_lines_exist(const CancelToken& cancel) {
    Seen seen;
    {
      std::lock_guard lock(seen_mutex_);
      seen = seen_;
    }
    if (!seen.last) return false;
    LogOptions probe = whole_;
    probe.follow = false;
    probe.previous = false;
    Request request = log_request(probe, format_since_time(*seen.last));
    request.timeout = kProbeTimeout;
    auto opened = client_.open_stream(request, cancel);
    if (!opened) return false;
    ByteStream& body = **opened;
    auto closer = cancel.on_cancel([&body] { body.close(); });
    LineSplitter splitter;
    std::uint64_t at_last = 0;
    std::uint64_t total = 0;
    bool newer = false;
    char buffer[16 * 1024];
    while (!newer && total < kMaxProbeBytes) {
      auto n = body.read(buffer, sizeof buffer);
      if (!n || *n == 0) break;
      total += *n;
      splitter.feed(std::string_view(buffer, *n), [&](std::string_view line) {
        const auto time = split_timestamp(line).time;
        if (!time || newer) return;
        if (*time > *seen.last || (*time == *seen.last && ++at_last > seen.lines_at_last)) newer = true;
      });
    }
    body.close();
    return newer;
  }

  // The followed container's instance now; nullopt when the pod cannot be read or lacks it.
  std::optional<ContainerInstance> look(const CancelToken& cancel) {
    auto object = get_pod(client_, namespace_, pod_.name, cancel);
    if (!object) return std::nullopt;
    return container_instance(*object, container_in(*object, container_));
  }

  enum class AfterEnd {
    Resume,       // the same instance goes on (or nothing tells otherwise): read on
    NewInstance,  // `followed_` is now the next instance
    Ended,        // the instance read ended for good: finish it (finish_instance)
    Gone,         // the pod went away, or the read was cancelled: nothing more to read
  };

  // What follows the end of a read that was cut or followed: the same instance again (a cut
  // connection, or the state is unknown), a new instance, the end of the one read (the
  // container stopped for good, the pod is being deleted), or nothing (the pod went away).
  // Between instances (a restart back-off) it waits here, looking again at growing intervals;
  // only `cancel` ends that wait early.
  AfterEnd after_end(const CancelToken& cancel) {
    if (options_.previous) return AfterEnd::Ended;  // a terminated container's log does not change
    auto delay = restarts_.first_recheck;
    for (;;) {
      auto object = get_pod(client_, namespace_, pod_.name, cancel);
      if (!object) {
        if (object.error().kind == ErrorKind::NotFound || cancel.cancelled()) return AfterEnd::Gone;
        return AfterEnd::Resume;
      }
      if (pod_deleting(*object) && !pod_running(*object)) return AfterEnd::Ended;
      const std::string name = container_in(*object, container_);
      auto now = container_instance(*object, name);
      if (!now) return AfterEnd::Resume;
      if (!followed_) {  // the first look failed: the running instance is taken for the one read
        if (now->state != ContainerInstance::State::Running) return AfterEnd::Ended;
        followed_ = std::move(*now);
        return AfterEnd::Resume;
      }
      switch (next_instance(*object, *followed_, *now)) {
        case NextInstance::Resume: return AfterEnd::Resume;
        case NextInstance::Final: return AfterEnd::Ended;
        case NextInstance::Started:
          previous_restarts_ = followed_->restarts;
          followed_ = std::move(*now);
          return AfterEnd::NewInstance;
        case NextInstance::Waiting: break;
      }
      note_waiting(name, *now);
      if (cancel.wait_for(delay)) return AfterEnd::Gone;
      delay = std::min(delay * 2, restarts_.max_recheck);
    }
  }

  void note_waiting(const std::string& name, const ContainerInstance& now) {
    if (!restarts_.note) return;
    std::string reason = now.waiting_reason;  // CrashLoopBackOff once the kubelet says so
    if (reason.empty() && now.last_exit_code)
      reason = fmt::format("exited with code {}", *now.last_exit_code);
    if (reason.empty()) reason = "exited";
    if (!now.waiting_message.empty()) reason += ": " + now.waiting_message;
    if (reason == last_note_) return;
    last_note_ = reason;
    restarts_.note(fmt::format("{}/{}: waiting for restart {} ({})", pod_.name, name,
                               now.restarts + 1, reason));
  }

  // The rest of an instance that ended. Its followed connection may have ended before the
  // instance's last line: cut, closed by the stall watch, or — ending cleanly — still reading a
  // file the kubelet had rotated away, which it reads to its end and then stops, the lines of
  // the new file unread. So the log is read once more without follow, from the second of the
  // last line received (lines already delivered are skipped); `previous` reads the instance
  // before the current one (the container restarted meanwhile). A read that breaks is tried
  // again (three times in all); the pod gone meanwhile ends it quietly, as its log went too.
  Result<void> finish_instance(StreamWriter<LogEvent>& out, bool previous, const CancelToken& cancel) {
    LogOptions rest = *current_;
    rest.follow = false;
    rest.previous = previous;
    auto backoff = kFirstBackoff;
    Error last_failure;
    for (int attempt = 1; attempt <= kFinishAttempts; ++attempt) {
      if (attempt > 1) {
        if (cancel.wait_for(backoff)) return {};
        backoff = std::min(backoff * 2, kMaxBackoff);
      }
      splitter_.discard_partial();  // an unfinished last line comes again, whole if it was
      if (resume_.last()) resume_.begin_resume();
      const std::string since = resume_.last() ? format_since_time(*resume_.last()) : std::string();
      auto opened = client_.open_stream(log_request(rest, since), cancel);
      if (stopped_ || cancel.cancelled()) return {};
      if (!opened) {
        const auto kind = opened.error().kind;
        if (kind == ErrorKind::NotFound) return {};
        last_failure = opened.error();
        if (kind == ErrorKind::Forbidden || kind == ErrorKind::Unauthorized) break;
        continue;
      }
      auto closer = cancel.on_cancel([&body = **opened] { body.close(); });
      std::size_t read_size = kFirstReadSize;
      auto buffer = std::make_unique_for_overwrite<char[]>(read_size);
      const BodyRead read = read_body(**opened, buffer, read_size, out);
      if (stopped_ || cancel.cancelled()) return {};
      if (!read.broken) {
        flush_partial(out);
        return {};
      }
      last_failure = Error{.kind = ErrorKind::Transport, .message = "the connection broke while reading it"};
    }
    return fail(last_failure.kind,
                fmt::format("the end of the log of {} could not be read after its container ended "
                            "(the lines after {} may be missing): {}",
                            label(), resume_.last() ? format_since_time(*resume_.last()) : "its start",
                            last_failure.message));
  }

  std::string label() const { return container_.empty() ? pod_.name : pod_.name + "/" + container_; }

  // Ends the instance read so far and starts on `followed_`, the new one: the rest of the old
  // instance from the kubelet's previous log (only when it is the one read: the restart count
  // went up by one), the marker, then the new log from its first line.
  void begin_instance(StreamWriter<LogEvent>& out, const CancelToken& cancel) {
    if (followed_->restarts == previous_restarts_ + 1) {
      auto finished = finish_instance(out, /*previous=*/true, cancel);
      if (!finished && restarts_.note)
        restarts_.note(finished.error().message);
    }
    flush_partial(out);
    if (stopped_ || cancel.cancelled()) return;
    LogEvent marker;
    marker.type = LogEvent::Type::StreamStarted;
    marker.chunk.pod = pod_.name;
    marker.chunk.container = container_;
    marker.count = static_cast<std::uint64_t>(followed_->restarts);
    if (!out.push(std::move(marker))) stopped_ = true;
    resume_ = ResumeState{};
    {
      std::lock_guard lock(seen_mutex_);
      seen_ = Seen{};  // the old instance's last line says nothing about the new one's log
    }
    current_ = &whole_;
    last_note_.clear();
  }

  void handle_line(std::string_view raw) {
    if (stopped_) return;
    const TimestampedLine parsed = split_timestamp(raw);
    if (!resume_.accept(parsed.time)) return;
    if (carried_) {
      // A new line after a stuck connection: the carried first part's rest (a later time), or
      // that whole line again (the same time: it was not split after all).
      const TimestampedLine carried = split_timestamp(*carried_);
      if (!carried.time || !parsed.time || *carried.time == *parsed.time) {
        carried_.reset();
      } else if (*carried.time < *parsed.time) {
        const std::string whole = *carried_ + std::string(parsed.text);
        carried_.reset();
        emit_line(split_timestamp(whole));
        return;
      }  // else a line from before the part: the rest is still to come
    }
    emit_line(parsed);
  }

  void emit_line(const TimestampedLine& parsed) {
    std::string_view text = parsed.text;
    std::optional<std::string> joined;  // a line the runtime wrote in parts, without their stamps
    if (parsed.time && (joined = remove_part_stamps(text, parsed.timestamp, *parsed.time))) text = *joined;
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
    LogEvent event;
    const auto verdict = filter_.empty() ? StructuredLines::Verdict::Keep
                                         : filter_.select(text, event.chunk.line);
    if (verdict == StructuredLines::Verdict::Drop) {
      stopped_ = stopped_ || last;
      return;
    }
    if (verdict == StructuredLines::Verdict::Keep) event.chunk.line.assign(text);
    event.chunk.pod = pod_.name;
    event.chunk.container = container_;
    if (options_.timestamps) event.chunk.timestamp.assign(parsed.timestamp);
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
    if (carried_) {  // no rest came: the part is all there is
      const std::string first_part = std::move(*carried_);
      carried_.reset();
      emit_line(split_timestamp(first_part));
    }
    if (auto rest = splitter_.take_partial()) handle_line(*rest);
    deliver(out);
  }

  Client& client_;
  std::string namespace_;
  PodRef pod_;
  std::string container_;
  const LogOptions& options_;
  const LineFilter& filter_;
  const RestartFollowing& restarts_;
  StallWatch* const stalls_;
  struct Seen {
    std::optional<LogTime> last;
    std::uint64_t lines_at_last = 0;
  };
  std::mutex seen_mutex_;
  Seen seen_;  // resume_'s view, for the stall probe's thread
  std::atomic<bool> stall_closed_ = false;  // the stall watch closed the connection being read
  std::optional<std::string> carried_;      // a split line's first part, waiting for its rest
  LogOptions whole_;
  const LogOptions* current_ = &options_;  // whole_ from the first restart on
  std::optional<ContainerInstance> followed_;  // the instance read (with follow, once known)
  std::int64_t previous_restarts_ = 0;         // followed_'s restart count before it changed
  std::string last_note_;
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
                                  StreamWriter<LogEvent>& out, const RestartFollowing& restarts,
                                  StallWatch* stalls) {
  LogStreamer streamer(client, namespace_, PodRef{namespace_, pod}, container, options, filter,
                       restarts, stalls);
  return streamer.run(out);
}

}  // namespace orka::streaming
