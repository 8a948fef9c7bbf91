// `orka ops logs POD|TYPE/NAME|-l SELECTOR [flags]`: flags → LogsRequest → the logs op → the
// printer (prefixes, timestamps, highlights, JSON Lines) on stdout; what happens to each stream
// on stderr.
#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "line_filter.hpp"
#include "log_printer.hpp"
#include "logs_command.hpp"
#include "logs_json.hpp"
#include "logs_op.hpp"
#include "orka/command_shape.hpp"
#include "orka/contexts.hpp"
#include "orka/duration.hpp"
#include "orka/output.hpp"
#include "orka/over_contexts.hpp"
#include "orka/pod_targets.hpp"
#include "structured_flags.hpp"

namespace orka::streaming {
namespace {

constexpr std::int64_t kSelectorDefaultTail = 10;  // as kubectl does for -l

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

// What each event of the op does: a line (or a restart marker) to the printer, and what happens
// to a stream to stderr — or everything to stdout as JSON. `context` names the context an event
// came from when logs run over several contexts, else it is empty.
class EventOutput {
 public:
  EventOutput(LogPrinter& printer, std::ostream& err, bool json, std::optional<bool> prefix,
              bool many)
      : printer_(printer), err_(err), json_(json), prefix_(prefix), many_(many) {}

  void print(const LogEvent& event, const std::string& context) {
    printer_.set_context(context);
    if (event.type == LogEvent::Type::Line) {
      decide_prefix();
      printer_.line(event.chunk);
      return;
    }
    const bool restarted = event.type == LogEvent::Type::StreamStarted && event.count > 0;
    if (restarted && !json_) {  // a new instance of a stream already counted
      decide_prefix();
      printer_.restarted(event.count, event.chunk.pod, event.chunk.container);
      return;
    }
    if (event.type == LogEvent::Type::StreamStarted && !restarted)
      most_started_ = std::max(most_started_, ++started_[context]);
    if (json_) {
      printer_.json_event(log_event_json(event));
      return;
    }
    const std::string where = context.empty() ? std::string() : "[" + context + "] ";
    switch (event.type) {
      case LogEvent::Type::NoPods:
        err_ << where << event.chunk.line << '\n';
        break;
      case LogEvent::Type::NotFollowed:
        err_ << fmt::format("warning: {}not following {}/{}: --max-streams {} reached\n", where,
                            event.chunk.pod, event.chunk.container, event.count);
        break;
      case LogEvent::Type::StreamFailed:
        // One stream of many: the others go on; the error comes again at the end.
        if ((many_ || most_started_ > 1 || !context.empty()) && event.error)
          err_ << fmt::format("warning: {}{}/{}: {}\n", where, event.chunk.pod,
                              event.chunk.container, event.error->message);
        break;
      default:
        break;
    }
  }

  // A context whose op failed (logs over several contexts): said at once, the others go on.
  void context_failed(const std::string& context, const Error& error) {
    if (json_) {
      printer_.set_context(context);
      printer_.json_event({{"event", "context_failed"},
                           {"error", error.message},
                           {"kind", std::string(to_string(error.kind))}});
      return;
    }
    printer_.flush();  // the lines before the failure come first
    err_ << describe(context_error(context, error)) << '\n';
    err_.flush();
  }

 private:
  // Whether lines carry [pod/container], decided at the first line: more than one stream can
  // appear (a selector, a workload) or has already (in any one context).
  void decide_prefix() {
    if (prefix_decided_) return;
    printer_.set_prefix(prefix_.value_or(many_ || most_started_ > 1));
    prefix_decided_ = true;
  }

  LogPrinter& printer_;
  std::ostream& err_;
  const bool json_;
  const std::optional<bool> prefix_;
  const bool many_;
  std::map<std::string, std::size_t> started_;  // streams begun, per context
  std::size_t most_started_ = 0;
  bool prefix_decided_ = false;
};

struct LogsCommand {
  LogsRequest request;
  StructuredLogOptions structured;  // the logs op's version 2
  std::optional<bool> prefix;  // unset: on when more than one stream can appear
  std::vector<std::string> highlight;
  bool json = false;
  // Logs over several contexts (--context a,b, --all-contexts); empty: the host's one context.
  std::vector<std::string> contexts;
  HostContexts* host_contexts = nullptr;

  static CommandInfo info() {
    return {"logs",
            {},
            "Print and follow container logs (pods, workloads, selectors)",
            "orka ops logs POD|TYPE/NAME|-l SELECTOR [-c CONTAINER] [-f] [flags]",
            "JSON Lines: {pod, container, timestamp, line}; stream events carry \"event\"; over "
            "several contexts every object carries \"context\""};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    // clang-format off
    add("l,selector", "label selector: the pods whose logs to print", cxxopts::value<std::string>())
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
       ("all-contexts", "every context of the kubeconfig at once (several with --context a,b)")
       ("max-streams", "most log streams at once", cxxopts::value<std::size_t>()->default_value(std::to_string(kDefaultMaxLogStreams)))
       ("buffer-lines", "lines kept while output lags", cxxopts::value<std::size_t>()->default_value("10000"));
    // clang-format on
    add_structured_flags(add);
  }
  static std::string_view flag_for(std::string_view field) {
    static constexpr std::pair<std::string_view, std::string_view> kFlags[] = {
        {"selector", "-l/--selector"},     {"container", "-c/--container"},
        {"all_containers", "--all-containers"}, {"init_containers", "--init-containers"},
        {"tail_lines", "--tail"},          {"since_seconds", "--since"},
        {"since_time", "--since-time"},    {"limit_bytes", "--limit-bytes"},
        {"include", "--include"},          {"exclude", "--exclude"},
        {"highlight", "--highlight"},      {"max_streams", "--max-streams"},
        {"buffer_lines", "--buffer-lines"}};
    for (const auto& [name, flag] : kFlags)
      if (name == field) return flag;
    return structured_flag_for(field);
  }

  Result<void> complete(const CommandArgs& args, CommandContext& ctx) {
    const auto& r = args.flags;
    json = args.json;
    if (auto chosen = choose_contexts(r.count("all-contexts") > 0, ctx); !chosen) return chosen;
    if (args.positional.size() > 1)
      return fail(ErrorKind::Usage,
                  fmt::format("one target expected, got {}: {}", args.positional.size(),
                              fmt::join(args.positional, " ")),
                  "to name a container use -c CONTAINER");
    if (!args.positional.empty()) request.target = args.positional.front();
    if (r.count("selector")) request.selector = r["selector"].as<std::string>();
    if (request.target.empty() && request.selector.empty())
      return fail(ErrorKind::Usage, "name a pod, a TYPE/NAME or a label selector (-l)",
                  "e.g. `orka ops logs web-0`, `orka ops logs deploy/web`, `orka ops logs -l app=web`");
    if (!request.target.empty() && !request.selector.empty())
      return fail(ErrorKind::Usage, "give either a target or -l SELECTOR, not both");
    if (r.count("container")) request.container = r["container"].as<std::string>();
    request.all_containers = r.count("all-containers") > 0;
    request.init_containers = r.count("init-containers") > 0;

    LogOptions& log = request.log;
    log.follow = r.count("follow") > 0;
    log.timestamps = r.count("timestamps") > 0;
    log.previous = r.count("previous") > 0;
    if (r.count("tail")) {
      const auto tail = r["tail"].as<std::int64_t>();
      if (tail < -1)
        return fail(ErrorKind::Usage, fmt::format("--tail {} is negative", tail), "use -1 for all lines");
      if (tail >= 0) log.tail_lines = tail;
    } else if (!request.selector.empty()) {
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
    if (r.count("since-time")) log.since_time = r["since-time"].as<std::string>();
    if (r.count("limit-bytes")) log.limit_bytes = r["limit-bytes"].as<std::int64_t>();
    log.include = all_flag_values(r, "include");
    log.exclude = all_flag_values(r, "exclude");
    highlight = all_flag_values(r, "highlight");
    if (r.count("prefix")) prefix = r["prefix"].as<bool>();
    request.max_streams = r["max-streams"].as<std::size_t>();
    log.buffer_lines = r["buffer-lines"].as<std::size_t>();
    if (auto read = read_structured_flags(r, structured, json); !read) return read;
    if (json) log.timestamps = true;  // JSON carries the timestamp when known
    return {};
  }

  // The contexts to read from at once: --all-contexts, or the global --context naming several;
  // every name is checked against the kubeconfig before anything starts.
  Result<void> choose_contexts(bool all, CommandContext& ctx) {
    host_contexts = dynamic_cast<HostContexts*>(&ctx.services);
    if (host_contexts == nullptr) {
      if (!all) return {};
      return fail(ErrorKind::Unsupported,
                  "--all-contexts: this host cannot run logs over several contexts",
                  "use orka 0.2 or later, or one --context at a time");
    }
    const auto option = host_contexts->context_option();
    if (!all && (!option || option->find(',') == std::string::npos)) return {};
    auto known = host_contexts->kubeconfig_contexts();
    if (!known) return fail(known.error());
    auto chosen = contexts_to_fan_out(option, all, *known);
    if (!chosen) return fail(chosen.error());
    contexts = std::move(*chosen);
    return {};
  }

  Result<void> validate() const {
    if (auto valid = validate_logs_request(request); !valid) return valid;
    if (auto filter = LineFilter::compile(request.log.include, request.log.exclude); !filter)
      return fail(filter.error());
    if (auto colours = Highlighter::compile(highlight); !colours) return fail(colours.error());
    if (auto rules = StructuredLines::compile(structured); !rules) return fail(rules.error());
    return {};
  }

  // Whether more than one stream can ever appear: a selector or a workload.
  bool selects_many() const {
    if (!request.selector.empty()) return true;
    auto target = parse_pod_target(request.target, /*allow_service=*/false);
    return target && target->kind != PodTargetKind::Pod;
  }

  Result<int> run(CommandContext& ctx) {
    PrintOptions print;
    print.timestamps = request.log.timestamps;
    print.json = json;
    print.colour = !json && colour_wanted(ctx.out_is_tty);
    if (auto colours = Highlighter::compile(highlight)) print.highlight = std::move(*colours);
    LogPrinter printer(ctx.out, std::move(print));
    EventOutput output(printer, ctx.err, json, prefix, selects_many());
    if (!contexts.empty()) return run_over_contexts(ctx, printer, output);
    request.cancel = ctx.cancel;
    auto events = ctx.ops.run<LogsOpV2>(LogsRequestV2{request, structured});
    auto stop = ctx.cancel.on_cancel([&events] { events.cancel(); });
    for (;;) {
      auto received = receive_in_runs([&] { return events.next_for(std::chrono::milliseconds(0)); },
                                      [&] { return events.next(); }, printer);
      if (received.dropped_before > 0) printer.dropped(received.dropped_before, {}, {});
      if (!received) break;
      output.print(*received.value, {});
    }
    printer.flush();
    return ended(events.finish(), ctx);
  }

  // The same op in every context at once, each through its own host (its own Client,
  // credentials and transport); a context that fails is said at once and the others go on.
  Result<int> run_over_contexts(CommandContext& ctx, LogPrinter& printer, EventOutput& output) {
    std::vector<ContextOps> targets;
    for (const auto& context : contexts) {
      auto ops = host_contexts->ops_for_context(context);
      if (!ops) return fail(context_error(context, ops.error()));
      targets.push_back(ContextOps{context, std::move(*ops)});
    }
    auto events = orka::run_over_contexts<LogsOpV2>(std::move(targets), LogsRequestV2{request, structured},
                                                    request.log.buffer_lines);
    auto stop = ctx.cancel.on_cancel([&events] { events.cancel(); });
    for (;;) {
      auto received = receive_in_runs([&] { return events.next_for(std::chrono::milliseconds(0)); },
                                      [&] { return events.next(); }, printer);
      if (received.dropped_before > 0) {  // lost where the contexts merge
        printer.set_context({});
        printer.dropped(received.dropped_before, {}, {});
      }
      if (!received) break;
      const auto& item = *received.value;
      if (item.dropped_before > 0) {  // lost in that context's own queue
        printer.set_context(item.context);
        printer.dropped(item.dropped_before, {}, {});
      }
      using Type = ContextEvent<LogEvent>::Type;
      if (item.type == Type::Event)
        output.print(item.event, item.context);
      else if (item.type == Type::ContextFailed && item.error && !ctx.cancel.cancelled())
        output.context_failed(item.context, *item.error);
    }
    printer.flush();
    auto outcome = events.finish();
    if (!outcome) return ended(std::unexpected(outcome.error()), ctx);
    return ended(LogsOutcome{}, ctx);
  }

  // The exit: the op's error (with a hint for too many streams), cancelled, or 0.
  static Result<int> ended(Result<LogsOutcome> outcome, CommandContext& ctx) {
    if (!outcome) {
      Error error = outcome.error();
      if (error.reason == kTooManyLogStreams)
        error.hint = "narrow the selector, name a container with -c, or raise --max-streams";
      return fail(std::move(error));
    }
    if (ctx.cancel.cancelled()) return fail(ErrorKind::Cancelled, "interrupted");
    return 0;
  }
};

}  // namespace

CommandSpec logs_command() { return command_spec<LogsCommand>(); }

}  // namespace orka::streaming
