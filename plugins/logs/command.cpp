#include <chrono>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "log_fan_in.hpp"
#include "log_lines.hpp"
#include "log_printer.hpp"
#include "logs_command.hpp"
#include "orka/command_args.hpp"
#include "orka/duration.hpp"
#include "orka/json_fields.hpp"
#include "orka/output.hpp"
#include "orka/pod_targets.hpp"

namespace orka::streaming {
namespace {

constexpr std::chrono::milliseconds kPodPollInterval{2000};
constexpr std::int64_t kSelectorDefaultTail = 10;  // as kubectl does for -l

struct PlannedStream {
  std::string key;  // pod UID/container
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

std::vector<PlannedStream> plan(const std::vector<nlohmann::json>& pods,
                                const LogsCommandOptions& options, bool started_only) {
  std::vector<PlannedStream> streams;
  for (const auto& pod : pods) {
    const std::string name = pod_name(pod);
    for (const auto& container : containers_for(pod, options)) {
      if (started_only && !container_started(pod, container)) continue;
      streams.push_back(PlannedStream{pod_uid(pod) + "/" + container, name, container});
    }
  }
  return streams;
}

// Lines arrive a read at a time (see logs.cpp), and a fast log in many small reads. Waiting on
// the channel after each would wake this thread once per read; instead, when the channel runs
// empty, it naps once and takes everything that came meanwhile in one go. Output is written
// when the buffer fills, when a line has waited kHoldOutput, or before the channel is waited on
// without a timer (a log gone quiet; an idle follow costs nothing).
constexpr std::chrono::milliseconds kNap{5};
constexpr std::chrono::milliseconds kHoldOutput{20};

template <class Poll, class Wait>
auto receive_in_runs(Poll poll, Wait wait, LogPrinter& printer) {
  auto received = poll();
  if (received.status != ReceiveStatus::TimedOut) return received;
  printer.flush_if_held(kHoldOutput);
  std::this_thread::sleep_for(kNap);
  received = poll();
  if (received.status != ReceiveStatus::TimedOut) return received;
  printer.flush();
  return wait();
}

std::string stream_name(std::string_view pod, std::string_view container) {
  return fmt::format("{}/{}", pod, container);
}

// Reads one stream straight from the op: no merge thread between the socket and stdout.
Result<int> print_single(CommandContext& ctx, const PlannedStream& planned,
                         const std::string& namespace_, const LogsCommandOptions& options,
                         LogPrinter& printer) {
  auto stream = ctx.ops.logs(PodRef{namespace_, planned.pod}, planned.container, options.log);
  auto stop = ctx.cancel.on_cancel([&stream] { stream.cancel(); });
  for (;;) {
    auto received = receive_in_runs([&] { return stream.next_for(std::chrono::milliseconds(0)); },
                                    [&] { return stream.next(); }, printer);
    if (received.dropped_before > 0) printer.dropped(received.dropped_before, planned.pod, planned.container);
    if (!received) break;
    printer.line(*received.value);
  }
  printer.flush();
  auto outcome = stream.finish();
  if (!outcome) return fail(outcome.error());
  if (ctx.cancel.cancelled()) return fail(ErrorKind::Cancelled, "interrupted");
  return 0;
}

Result<int> print_many(CommandContext& ctx, Client& client, const std::string& namespace_,
                       const LogsCommandOptions& options, const std::string& selector,
                       const std::vector<PlannedStream>& initial, LogPrinter& printer) {
  const bool discover = options.log.follow && !selector.empty();
  LogFanIn fan(ctx.ops, options.log.buffer_lines, /*close_when_idle=*/!discover,
               options.log.follow ? Overflow::DropOldest : Overflow::Block);
  for (const auto& s : initial) fan.add(s.key, PodRef{namespace_, s.pod}, s.container, options.log);
  if (!discover) fan.seal();

  std::vector<Error> errors;
  std::mutex errors_mutex;
  auto report = [&](std::vector<StreamEnd> ends) {
    std::lock_guard lock(errors_mutex);
    for (auto& end : ends)
      if (!end.outcome && end.outcome.error().kind != ErrorKind::Cancelled) {
        Error e = end.outcome.error();
        e.message = fmt::format("{}: {}", stream_name(end.pod, end.container), e.message);
        errors.push_back(std::move(e));
      }
  };

  // With -f on a selector or workload, pods that appear later are followed too (from their
  // first line); deleted pods end their own streams.
  CancelToken poll_cancel = ctx.cancel.child();
  std::thread poller;
  if (discover) {
    poller = std::thread([&] {
      LogOptions later = options.log;
      later.tail_lines.reset();
      later.since_seconds.reset();
      later.since_time.reset();
      bool warned_limit = false;
      while (!poll_cancel.wait_for(kPodPollInterval)) {
        report(fan.reap());
        auto pods = list_pods(client, namespace_, selector, poll_cancel);
        if (!pods) continue;  // a failed poll is retried on the next tick
        for (const auto& s : plan(*pods, options, /*started_only=*/true)) {
          if (fan.has(s.key)) continue;
          if (fan.running() >= options.max_streams) {
            if (!warned_limit)
              ctx.err << fmt::format("warning: not following {}: --max-streams {} reached\n",
                                     stream_name(s.pod, s.container), options.max_streams);
            warned_limit = true;
            continue;
          }
          fan.add(s.key, PodRef{namespace_, s.pod}, s.container, later);
        }
      }
    });
  }

  auto& merged = fan.merged();
  for (;;) {
    auto received = receive_in_runs([&] { return merged.receive_for(std::chrono::milliseconds(0)); },
                                    [&] { return merged.receive(ctx.cancel); }, printer);
    if (received.dropped_before > 0) printer.dropped(received.dropped_before, {}, {});
    if (!received) break;
    const MergedLine& item = *received.value;
    if (item.dropped > 0)
      printer.dropped(item.dropped, item.chunk.pod, item.chunk.container);
    else
      printer.line(item.chunk);
  }
  printer.flush();
  poll_cancel.cancel();
  if (poller.joinable()) poller.join();
  report(fan.reap());
  fan.stop();
  if (ctx.cancel.cancelled()) return fail(ErrorKind::Cancelled, "interrupted");
  if (errors.empty()) return 0;
  for (std::size_t i = 1; i < errors.size(); ++i) ctx.err << "warning: " << errors[i].message << "\n";
  return fail(errors.front());
}

Result<int> run_logs(CommandContext& ctx) {
  auto parsed = parse_logs_args(ctx.args);
  if (!parsed) return fail(parsed.error());
  LogsCommandOptions options = std::move(*parsed);
  if (options.help) {
    ctx.out << options.help_text;
    return 0;
  }
  auto highlight = Highlighter::compile(options.highlight);
  if (!highlight) return fail(highlight.error());
  auto client = ctx.services.client();
  if (!client) return fail(client.error());
  auto namespace_ = ctx.services.default_namespace();
  if (!namespace_) return fail(namespace_.error());

  std::string selector = options.selector;
  std::optional<PodTarget> target;
  std::vector<nlohmann::json> pods;
  if (selector.empty()) {
    auto parsed_target = parse_pod_target(options.target, /*allow_service=*/false);
    if (!parsed_target) return fail(parsed_target.error());
    target = *parsed_target;
    if (target->kind == PodTargetKind::Pod) {
      auto pod = get_pod(**client, *namespace_, target->name, ctx.cancel);
      if (!pod) return fail(pod.error());
      pods.push_back(std::move(*pod));
    } else {
      auto s = target_selector(**client, *namespace_, *target, ctx.cancel);
      if (!s) return fail(s.error());
      selector = *s;
    }
  }
  if (!selector.empty()) {
    auto listed = list_pods(**client, *namespace_, selector, ctx.cancel);
    if (!listed) return fail(listed.error());
    pods = std::move(*listed);
  }

  const bool single_pod = target && target->kind == PodTargetKind::Pod;
  // A pod named on the command line is always asked (the server explains a waiting container);
  // pods found by selector are only asked once their container has started.
  auto streams = plan(pods, options, /*started_only=*/!single_pod);
  if (streams.size() > options.max_streams)
    return fail(ErrorKind::Refused,
                fmt::format("{} log streams match (pods × containers), more than --max-streams {}",
                            streams.size(), options.max_streams),
                "narrow the selector, name a container with -c, or raise --max-streams");
  if (single_pod && streams.empty())
    return fail(ErrorKind::NotFound,
                fmt::format("pod \"{}\" has no container named \"{}\"", target->name, options.container),
                "list its containers with `kubectl get pod " + target->name +
                    " -o jsonpath='{.spec.containers[*].name}'`");
  if (streams.empty() && !options.log.follow) {
    ctx.err << fmt::format("no running pods match {} in namespace \"{}\"\n",
                           target ? describe(*target) : "selector \"" + selector + "\"", *namespace_);
    return 0;
  }

  PrintOptions print;
  print.prefix = options.prefix.value_or(streams.size() > 1 || !selector.empty());
  print.timestamps = options.log.timestamps;
  print.json = options.json;
  print.colour = !options.json && colour_wanted(ctx.out_is_tty);
  print.highlight = std::move(*highlight);
  if (options.json) options.log.timestamps = true;  // JSON carries the timestamp when known
  LogPrinter printer(ctx.out, std::move(print));

  if (streams.size() == 1 && !(options.log.follow && !selector.empty()))
    return print_single(ctx, streams.front(), *namespace_, options, printer);
  return print_many(ctx, **client, *namespace_, options, selector, streams, printer);
}

}  // namespace

std::vector<std::string> containers_for(const nlohmann::json& pod, const LogsCommandOptions& options) {
  auto names = container_names(pod, options.init_containers);
  if (!options.container.empty()) {
    for (const auto& n : names)
      if (n == options.container) return {n};
    return {};
  }
  if (options.all_containers) return names;
  std::string chosen = default_container(pod);
  if (chosen.empty()) return {};
  return {chosen};
}

Result<LogsCommandOptions> parse_logs_args(const std::vector<std::string>& args) {
  cxxopts::Options spec("logs", "Print and follow container logs");
  spec.custom_help("POD|TYPE/NAME|-l SELECTOR [flags]");
  spec.positional_help("");
  // clang-format off
  spec.add_options()
    ("target", "pod or TYPE/NAME", cxxopts::value<std::vector<std::string>>())
    ("l,selector", "label selector: the pods whose logs to print", cxxopts::value<std::string>())
    ("c,container", "the container (default: the pod's default container)", cxxopts::value<std::string>())
    ("all-containers", "every container of each pod")
    ("init-containers", "with --all-containers, init containers too")
    ("f,follow", "keep streaming new lines")
    ("tail", "only the last N lines (-1: all; default all, 10 with -l)", cxxopts::value<std::int64_t>())
    ("since", "only lines newer than this (5s, 2m, 3h)", cxxopts::value<std::string>())
    ("since-time", "only lines after this RFC 3339 time", cxxopts::value<std::string>())
    ("timestamps", "print each line's timestamp")
    ("p,previous", "the previous (terminated) instance of the container")
    ("limit-bytes", "stop after this many bytes of each log", cxxopts::value<std::int64_t>())
    ("prefix", "prefix lines with [pod/container] (default: when more than one stream)", cxxopts::value<bool>()->implicit_value("true"))
    ("include", "only lines matching this RE2 pattern (repeatable)", cxxopts::value<std::string>())
    ("exclude", "drop lines matching this RE2 pattern (repeatable)", cxxopts::value<std::string>())
    ("highlight", "colour matches of this RE2 pattern (repeatable; on a terminal)", cxxopts::value<std::string>())
    ("max-streams", "most log streams at once", cxxopts::value<std::size_t>()->default_value("50"))
    ("buffer-lines", "lines kept per stream while output lags", cxxopts::value<std::size_t>()->default_value("10000"))
    ("json", "JSON Lines: {pod, container, timestamp, line}")
    ("h,help", "this help");
  // clang-format on
  spec.parse_positional({"target"});
  auto parsed = parse_command_args(spec, args);
  if (!parsed) return fail(parsed.error());
  const auto& r = *parsed;

  LogsCommandOptions options;
  if (r.count("help")) {
    options.help = true;
    options.help_text = spec.help();
    return options;
  }
  if (r.count("target")) {
    auto targets = r["target"].as<std::vector<std::string>>();
    if (targets.size() > 1)
      return fail(ErrorKind::Usage, fmt::format("one target expected, got {}: {}", targets.size(), fmt::join(targets, " ")),
                  "to name a container use -c CONTAINER");
    options.target = targets.front();
  }
  if (r.count("selector")) options.selector = r["selector"].as<std::string>();
  if (options.target.empty() && options.selector.empty())
    return fail(ErrorKind::Usage, "name a pod, a TYPE/NAME or a label selector (-l)",
                "e.g. `orka ops logs web-0`, `orka ops logs deploy/web`, `orka ops logs -l app=web`");
  if (!options.target.empty() && !options.selector.empty())
    return fail(ErrorKind::Usage, "give either a target or -l SELECTOR, not both");
  if (r.count("container")) options.container = r["container"].as<std::string>();
  options.all_containers = r.count("all-containers") > 0;
  options.init_containers = r.count("init-containers") > 0;
  if (options.all_containers && !options.container.empty())
    return fail(ErrorKind::Usage, "-c and --all-containers exclude each other");
  if (options.init_containers && !options.all_containers)
    return fail(ErrorKind::Usage, "--init-containers only applies with --all-containers");

  LogOptions& log = options.log;
  log.follow = r.count("follow") > 0;
  log.timestamps = r.count("timestamps") > 0;
  log.previous = r.count("previous") > 0;
  if (r.count("tail")) {
    auto tail = r["tail"].as<std::int64_t>();
    if (tail < -1) return fail(ErrorKind::Usage, fmt::format("--tail {} is negative", tail), "use -1 for all lines");
    if (tail >= 0) log.tail_lines = tail;
  } else if (!options.selector.empty()) {
    log.tail_lines = kSelectorDefaultTail;
  }
  if (r.count("since") && r.count("since-time"))
    return fail(ErrorKind::Usage, "--since and --since-time exclude each other");
  if (r.count("since")) {
    auto duration = parse_duration(r["since"].as<std::string>(), "--since");
    if (!duration) return fail(duration.error());
    if (duration->count() <= 0) return fail(ErrorKind::Usage, "--since must be positive");
    log.since_seconds = (duration->count() + 999) / 1000;
  }
  if (r.count("since-time")) {
    auto text = r["since-time"].as<std::string>();
    if (!parse_log_time(text))
      return fail(ErrorKind::Usage, fmt::format("--since-time \"{}\" is not an RFC 3339 time", text),
                  "e.g. 2024-05-01T10:00:00Z");
    log.since_time = text;
  }
  if (r.count("limit-bytes")) {
    auto limit = r["limit-bytes"].as<std::int64_t>();
    if (limit <= 0) return fail(ErrorKind::Usage, "--limit-bytes must be greater than 0");
    log.limit_bytes = limit;
  }
  log.include = all_flag_values(r, "include");
  log.exclude = all_flag_values(r, "exclude");
  options.highlight = all_flag_values(r, "highlight");
  for (const auto& [flag, patterns] : {std::pair{"--include", &log.include}, std::pair{"--exclude", &log.exclude},
                                      std::pair{"--highlight", &options.highlight}})
    for (const auto& p : *patterns)
      if (auto re = compile_pattern(p, flag); !re) return fail(re.error());
  if (r.count("prefix")) options.prefix = r["prefix"].as<bool>();
  options.json = r.count("json") > 0;
  options.max_streams = r["max-streams"].as<std::size_t>();
  if (options.max_streams == 0) return fail(ErrorKind::Usage, "--max-streams must be at least 1");
  log.buffer_lines = r["buffer-lines"].as<std::size_t>();
  if (log.buffer_lines == 0) return fail(ErrorKind::Usage, "--buffer-lines must be at least 1");
  return options;
}

CommandSpec logs_command() {
  CommandSpec spec;
  spec.name = "logs";
  spec.summary = "Print and follow container logs (pods, workloads, selectors)";
  spec.usage = "orka ops logs POD|TYPE/NAME|-l SELECTOR [-c CONTAINER] [-f] [flags]";
  spec.run = run_logs;
  return spec;
}

}  // namespace orka::streaming
