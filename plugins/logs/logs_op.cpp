#include "logs_op.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "line_filter.hpp"
#include "log_lines.hpp"
#include "logs.hpp"
#include "stall_watch.hpp"
#include "orka/json_fields.hpp"
#include "orka/object_names.hpp"
#include "orka/pod_targets.hpp"

namespace orka::streaming {
namespace {

struct PlannedStream {
  std::string key;  // pod UID/container: a stream is started once per key
  std::string pod;
  std::string container;
};

bool container_started(const nlohmann::json& pod, const std::string& container) {
  for (const char* field : {"containerStatuses", "initContainerStatuses"}) {
    auto pointer = nlohmann::json::json_pointer(std::string("/status/") + field);
    if (!pod.contains(pointer) || !pod.at(pointer).is_array()) continue;
    for (const auto& status : pod.at(pointer)) {
      if (json_string(status, "name") != container) continue;
      auto state = status.find("state");
      return state != status.end() && (state->contains("running") || state->contains("terminated"));
    }
  }
  return false;
}

// The streams for `pods`. A pod named on its own is always asked (the server explains a waiting
// container); pods found by selector only once their container has started.
std::vector<PlannedStream> plan_streams(const std::vector<nlohmann::json>& pods,
                                        const LogsRequest& request, bool single_pod) {
  const bool started_only = !single_pod;
  std::vector<PlannedStream> streams;
  for (const auto& pod : pods) {
    const std::string name = pod_name(pod);
    for (const auto& container : containers_for(pod, request)) {
      if (started_only && !container_started(pod, container)) continue;
      streams.push_back(PlannedStream{pod_uid(pod) + "/" + container, name, container});
    }
  }
  return streams;
}

LogEvent stream_event(LogEvent::Type type, const PlannedStream& stream) {
  LogEvent event;
  event.type = type;
  event.chunk.pod = stream.pod;
  event.chunk.container = stream.container;
  return event;
}

// What was resolved before the stream starts.
struct Plan {
  std::string namespace_;
  std::string selector;       // empty for a single pod
  std::string description;    // "deployment/web", "selector \"app=web\"", for messages
  std::vector<PlannedStream> initial;
};

// Many streams at once, each on its own thread writing straight into the op's channel; the
// op's own thread lists the pods again (following a selector), starts new streams and reaps
// ended ones.
class Follower {
 public:
  Follower(std::shared_ptr<Client> client, const LogsRequest& request, Plan plan,
           std::shared_ptr<const LineFilter> filter, std::chrono::milliseconds poll_interval,
           RestartFollowing restarts)
      : client_(std::move(client)),
        request_(request),
        plan_(std::move(plan)),
        filter_(std::move(filter)),
        poll_interval_(poll_interval),
        restarts_(std::move(restarts)) {
    if (request_.log.follow && !request_.log.previous) stalls_.emplace();
    later_ = request_.log;  // pods that appear later are read from their first line
    later_.tail_lines.reset();
    later_.since_seconds.reset();
    later_.since_time.reset();
  }

  Result<LogsOutcome> run(StreamWriter<LogEvent>& out) {
    const bool discover = request_.log.follow && !plan_.selector.empty();
    for (const auto& stream : plan_.initial) out.push(stream_event(LogEvent::Type::StreamStarted, stream));
    if (plan_.initial.empty() && !discover) {
      LogEvent none;
      none.type = LogEvent::Type::NoPods;
      none.chunk.line = fmt::format("no running pods match {} in namespace \"{}\"",
                                    plan_.description, plan_.namespace_);
      out.push(std::move(none));
      return LogsOutcome{};
    }
    if (plan_.initial.size() == 1 && !discover) return run_single(out, plan_.initial.front());

    for (const auto& stream : plan_.initial) start(out, stream, request_.log);
    const CancelToken& cancel = out.cancel();
    auto wake = cancel.on_cancel([this] {
      { std::lock_guard lock(mutex_); }
      changed_.notify_all();
    });
    std::set<std::string> not_followed;
    auto next_poll = std::chrono::steady_clock::now() + poll_interval_;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        auto idle = [&] { return cancel.cancelled() || !ended_.empty() || (!discover && running_ == 0); };
        if (discover)
          changed_.wait_until(lock, next_poll, idle);
        else
          changed_.wait(lock, idle);
      }
      reap();
      if (cancel.cancelled()) break;
      if (!discover) {
        std::lock_guard lock(mutex_);
        if (running_ == 0) break;
        continue;
      }
      if (std::chrono::steady_clock::now() < next_poll) continue;
      next_poll = std::chrono::steady_clock::now() + poll_interval_;
      auto pods = list_pods(*client_, plan_.namespace_, plan_.selector, cancel);
      if (!pods) continue;  // a failed poll is retried on the next tick
      for (const auto& stream : plan_streams(*pods, request_, /*single_pod=*/false)) {
        if (keys_.count(stream.key) != 0) continue;
        if (running() >= request_.max_streams) {
          if (not_followed.insert(stream.key).second) {
            LogEvent skipped = stream_event(LogEvent::Type::NotFollowed, stream);
            skipped.count = request_.max_streams;
            out.push(std::move(skipped));
          }
          continue;
        }
        out.push(stream_event(LogEvent::Type::StreamStarted, stream));
        start(out, stream, later_);
      }
    }
    stop_all();
    return outcome(cancel);
  }

 private:
  struct Reader {
    PlannedStream stream;
    CancelToken cancel;
    std::thread thread;
    Result<void> result;
  };

  // One stream, read on the op's own thread: no hand-over between the socket and the consumer.
  Result<LogsOutcome> run_single(StreamWriter<LogEvent>& out, const PlannedStream& stream) {
    auto result = stream_container_log(*client_, plan_.namespace_, stream.pod, stream.container,
                                       request_.log, *filter_, out, restarts_, stall_watch());
    if (out.cancel().cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
    if (!result) {
      LogEvent failed = stream_event(LogEvent::Type::StreamFailed, stream);
      failed.error = std::make_shared<const Error>(result.error());
      out.push(std::move(failed));
      return fail(result.error());
    }
    out.push(stream_event(LogEvent::Type::StreamEnded, stream));
    return LogsOutcome{1, 0};
  }

  void start(StreamWriter<LogEvent>& out, const PlannedStream& stream, const LogOptions& options) {
    auto reader = std::make_unique<Reader>();
    reader->stream = stream;
    reader->cancel = out.cancel().child();
    Reader* raw = reader.get();
    {
      std::lock_guard lock(mutex_);
      keys_.insert(stream.key);
      ++running_;
      ++started_;
      readers_.push_back(std::move(reader));
    }
    raw->thread = std::thread([this, raw, writer = out.with_cancel(raw->cancel), &options]() mutable {
      raw->result = stream_container_log(*client_, plan_.namespace_, raw->stream.pod,
                                         raw->stream.container, options, *filter_, writer,
                                         restarts_, stall_watch());
      if (!raw->cancel.cancelled()) {
        if (raw->result) {
          writer.push(stream_event(LogEvent::Type::StreamEnded, raw->stream));
        } else {
          LogEvent failed = stream_event(LogEvent::Type::StreamFailed, raw->stream);
          failed.error = std::make_shared<const Error>(raw->result.error());
          writer.push(std::move(failed));
        }
      }
      {
        std::lock_guard lock(mutex_);
        --running_;
        ended_.push_back(raw);
      }
      changed_.notify_all();
    });
  }

  std::size_t running() {
    std::lock_guard lock(mutex_);
    return running_;
  }

  // Joins the readers that ended and keeps their results.
  void reap() {
    std::vector<std::unique_ptr<Reader>> done;
    {
      std::lock_guard lock(mutex_);
      for (Reader* ended : ended_) {
        auto it = std::find_if(readers_.begin(), readers_.end(),
                               [ended](const auto& r) { return r.get() == ended; });
        if (it == readers_.end()) continue;
        done.push_back(std::move(*it));
        readers_.erase(it);
      }
      ended_.clear();
    }
    for (auto& reader : done) record(*reader);
  }

  // Joins a reader and keeps its failure, unless it was cancelled.
  void record(Reader& reader) {
    if (reader.thread.joinable()) reader.thread.join();
    if (reader.result || reader.result.error().kind == ErrorKind::Cancelled) return;
    failures_.push_back(fmt::format("{}/{}: {}", reader.stream.pod, reader.stream.container,
                                    reader.result.error().message));
    if (!first_failure_) first_failure_ = reader.result.error();
  }

  // Cancels the readers still running and records every reader: one that ended by itself
  // between the last reap and now still counts (its failure is the op's outcome).
  void stop_all() {
    std::vector<std::unique_ptr<Reader>> all;
    {
      std::lock_guard lock(mutex_);
      for (auto& reader : readers_) reader->cancel.cancel();
      all = std::move(readers_);
      readers_.clear();
      ended_.clear();
    }
    for (auto& reader : all) record(*reader);
  }

  Result<LogsOutcome> outcome(const CancelToken& cancel) {
    if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
    LogsOutcome result{started_, failures_.size()};
    if (failures_.empty()) return result;
    Error error = *first_failure_;
    error.message = failures_.front();
    if (failures_.size() > 1)
      error.message += fmt::format(" (and {} more of {} log streams failed)", failures_.size() - 1,
                                   started_);
    return fail(std::move(error));
  }

  std::shared_ptr<Client> client_;
  const LogsRequest request_;
  const Plan plan_;
  std::shared_ptr<const LineFilter> filter_;
  const std::chrono::milliseconds poll_interval_;
  const RestartFollowing restarts_;
  // Before the readers: destroyed after them (every reader's watch ends before the thread).
  std::optional<StallWatch> stalls_;
  StallWatch* stall_watch() { return stalls_ ? &*stalls_ : nullptr; }
  LogOptions later_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<Reader>> readers_;
  std::vector<Reader*> ended_;
  std::set<std::string> keys_;  // every stream ever started
  std::size_t running_ = 0;
  std::size_t started_ = 0;
  std::vector<std::string> failures_;
  std::optional<Error> first_failure_;
};

// The pods the request names, and the streams to start now.
Result<Plan> resolve(Client& client, const LogsRequest& request, const std::string& namespace_) {
  Plan plan;
  plan.namespace_ = namespace_;
  plan.selector = request.selector;
  std::vector<nlohmann::json> pods;
  bool single_pod = false;
  if (plan.selector.empty()) {
    auto target = parse_pod_target(request.target, /*allow_service=*/false);
    if (!target) return fail(target.error());
    plan.description = describe(*target);
    if (target->kind == PodTargetKind::Pod && !request.container.empty() && !request.all_containers) {
      // A pod and a container named: nothing to look up (the log request says if either is
      // missing), which saves a round trip.
      plan.initial.push_back(
          PlannedStream{target->name + "/" + request.container, target->name, request.container});
      return plan;
    }
    if (target->kind == PodTargetKind::Pod) {
      auto pod = get_pod(client, namespace_, target->name, request.cancel);
      if (!pod) return fail(pod.error());
      pods.push_back(std::move(*pod));
      single_pod = true;
    } else {
      auto selector = target_selector(client, namespace_, *target, request.cancel);
      if (!selector) return fail(selector.error());
      plan.selector = *selector;
    }
  } else {
    plan.description = fmt::format("selector \"{}\"", plan.selector);
  }
  if (!plan.selector.empty()) {
    auto listed = list_pods(client, namespace_, plan.selector, request.cancel);
    if (!listed) return fail(listed.error());
    pods = std::move(*listed);
  }
  plan.initial = plan_streams(pods, request, single_pod);
  if (plan.initial.size() > request.max_streams) {
    Error error = make_error(
        ErrorKind::Refused,
        fmt::format("{} log streams match (pods × containers), more than the limit of {}",
                    plan.initial.size(), request.max_streams),
        "narrow the selector, name a container, or raise the stream limit (max_streams)");
    error.reason = std::string(kTooManyLogStreams);
    return fail(std::move(error));
  }
  if (single_pod && plan.initial.empty())
    return fail(ErrorKind::NotFound,
                fmt::format("pod \"{}\" has no container named \"{}\"", pod_name(pods.front()),
                            request.container),
                "list its containers with `kubectl get pod " + pod_name(pods.front()) +
                    " -o jsonpath='{.spec.containers[*].name}'`");
  return plan;
}

}  // namespace

Result<void> validate_logs_request(const LogsRequest& request) {
  if (request.target.empty() && request.selector.empty())
    return fail_field("target", "or a selector must name the pods whose logs to read");
  if (!request.target.empty() && !request.selector.empty())
    return fail_field("selector", "cannot be combined with a target");
  if (request.all_containers && !request.container.empty())
    return fail_field("all_containers", "cannot be combined with a container");
  if (request.init_containers && !request.all_containers)
    return fail_field("init_containers", "only applies with all_containers");
  const LogOptions& log = request.log;
  if (log.tail_lines && *log.tail_lines < 0)
    return fail_field("tail_lines", "must be 0 or more (leave it unset for all lines)");
  if (log.since_seconds && log.since_time)
    return fail_field("since_time", "cannot be combined with since_seconds");
  if (log.since_seconds && *log.since_seconds <= 0) return fail_field("since_seconds", "must be positive");
  if (log.since_time && !parse_log_time(*log.since_time))
    return fail_field("since_time", fmt::format("\"{}\" is not an RFC 3339 time, e.g. 2024-05-01T10:00:00Z",
                                                *log.since_time));
  if (log.limit_bytes && *log.limit_bytes <= 0) return fail_field("limit_bytes", "must be greater than 0");
  if (request.max_streams == 0) return fail_field("max_streams", "must be at least 1");
  if (log.buffer_lines == 0) return fail_field("buffer_lines", "must be at least 1");
  return {};
}

std::vector<std::string> containers_for(const nlohmann::json& pod, const LogsRequest& request) {
  auto names = container_names(pod, request.init_containers);
  if (!request.container.empty()) {
    for (const auto& n : names)
      if (n == request.container) return {n};
    return {};
  }
  if (request.all_containers) return names;
  std::string chosen = default_container(pod);
  if (chosen.empty()) return {};
  return {chosen};
}

Stream<LogEvent, LogsOutcome> LogsOps::run(const LogsRequest& request) {
  return run_structured(request, StructuredLogOptions{});
}

Stream<LogEvent, LogsOutcome> LogsOps::run_structured(const LogsRequest& request,
                                                      const StructuredLogOptions& structured) {
  using Events = Stream<LogEvent, LogsOutcome>;
  if (auto valid = validate_logs_request(request); !valid) return Events::failed(valid.error());
  auto filter = LineFilter::compile(request.log.include, request.log.exclude);
  if (!filter) return Events::failed(filter.error());
  auto structure = StructuredLines::compile(structured);
  if (!structure) return Events::failed(structure.error());
  if (!structure->empty())
    filter->set_structured(std::make_shared<const StructuredLines>(std::move(*structure)));
  auto client = client_source_();
  if (!client) return Events::failed(client.error());
  const std::string namespace_ =
      request.namespace_.empty() ? (*client)->default_namespace() : request.namespace_;
  if (auto valid = check_namespace(namespace_); !valid) return Events::failed(valid.error());
  auto plan = resolve(**client, request, namespace_);
  if (!plan) return Events::failed(plan.error());

  auto follower = std::make_shared<Follower>(
      *client, request, std::move(*plan),
      std::make_shared<const LineFilter>(std::move(*filter)), pod_poll_interval,
      restart_following);
  // A finished log waits for a slow reader (nothing is lost); a followed one must not hold the
  // streams behind a slow terminal, so its oldest lines give way, counted in dropped_before.
  const Overflow overflow = request.log.follow ? Overflow::DropOldest : Overflow::Block;
  return Events::spawn(request.log.buffer_lines, overflow, request.cancel.child(),
                       [follower](StreamWriter<LogEvent>& out) { return follower->run(out); });
}

}  // namespace orka::streaming
