// `orka ops drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [--grace-period S]
//  [--timeout D] [--pod-selector SEL] [--disable-eviction] [--skip-wait-for-delete-timeout S]
//  [--dry-run] [--json]`.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <ostream>

#include "drain.hpp"
#include "orka/command_args.hpp"
#include "orka/duration.hpp"
#include "orka/output.hpp"

namespace orka::drain {

namespace {

constexpr const char* kUsage =
    "orka ops drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force]\n"
    "                [--grace-period S] [--timeout D] [--pod-selector SEL] [--disable-eviction]\n"
    "                [--skip-wait-for-delete-timeout S] [--dry-run] [--json]";
constexpr const char* kSummary = "Cordon a node and evict its pods";

struct DrainCommandOptions {
  std::string node;
  DrainOptions op;
  bool json = false;
  bool help = false;
};

cxxopts::Options make_parser() {
  cxxopts::Options parser("orka ops drain", kSummary);
  parser.custom_help("NODE [flags]");
  parser.add_options()
      ("ignore-daemonsets", "leave DaemonSet-managed pods in place instead of refusing")
      ("delete-emptydir-data", "evict pods with emptyDir volumes (their data is lost)")
      ("delete-local-data", "old name of --delete-emptydir-data")
      ("force", "also delete pods no controller manages (they are not recreated)")
      ("grace-period", "seconds each pod gets to stop; -1: its own terminationGracePeriodSeconds",
       cxxopts::value<long long>()->default_value("-1"))
      ("timeout", "give up after this long in total (e.g. 90s, 5m); 0: no limit",
       cxxopts::value<std::string>()->default_value("0"))
      ("pod-selector", "only evict pods matching this label selector",
       cxxopts::value<std::string>()->default_value(""))
      ("disable-eviction", "delete pods instead of evicting them (bypasses PodDisruptionBudgets)")
      ("skip-wait-for-delete-timeout", "skip pods terminating for longer than this many seconds",
       cxxopts::value<long long>()->default_value("0"))
      ("dry-run", "show what would be evicted and refused; change nothing")
      ("json", "print JSON Lines progress events and a final result object")
      ("h,help", "show this help");
  return parser;
}

Error usage(std::string message) {
  return make_error(ErrorKind::Usage, std::move(message), std::string("usage: ") + kUsage);
}

Result<DrainCommandOptions> parse(const CommandContext& ctx) {
  auto parser = make_parser();
  auto parsed_or = parse_command_args(parser, ctx.args, std::string("usage: ") + kUsage);
  if (!parsed_or) return fail(parsed_or.error());
  const cxxopts::ParseResult& parsed = *parsed_or;
  DrainCommandOptions options;
  options.help = parsed.count("help") > 0;
  if (options.help) return options;
  options.json = parsed.count("json") > 0;
  auto& op = options.op;
  op.ignore_daemonsets = parsed.count("ignore-daemonsets") > 0;
  op.delete_emptydir_data =
      parsed.count("delete-emptydir-data") > 0 || parsed.count("delete-local-data") > 0;
  op.force = parsed.count("force") > 0;
  op.disable_eviction = parsed.count("disable-eviction") > 0;
  op.dry_run = parsed.count("dry-run") > 0;
  op.pod_selector = parsed["pod-selector"].as<std::string>();
  const long long grace = parsed["grace-period"].as<long long>();
  if (grace < -1) return fail(usage("--grace-period must be -1 (the pod's own) or 0 or more"));
  if (grace >= 0) op.grace_period_seconds = grace;
  const long long skip = parsed["skip-wait-for-delete-timeout"].as<long long>();
  if (skip < 0) return fail(usage("--skip-wait-for-delete-timeout must be 0 or more seconds"));
  if (skip > 0) op.skip_wait_for_delete_timeout_seconds = skip;
  auto timeout = parse_duration(parsed["timeout"].as<std::string>(), "--timeout");
  if (!timeout) return fail(timeout.error());
  op.timeout = *timeout;
  const auto positional = parsed.unmatched();
  if (positional.empty()) return fail(usage("name the node to drain"));
  if (positional.size() > 1) return fail(usage("drain one node at a time"));
  options.node = positional.front();
  if (auto slash = options.node.find('/'); slash != std::string::npos) {
    const std::string type = options.node.substr(0, slash);
    if (type != "node" && type != "nodes" && type != "no")
      return fail(usage(fmt::format("\"{}\": only nodes can be drained", options.node)));
    options.node = options.node.substr(slash + 1);
  }
  if (options.node.empty()) return fail(usage("name the node to drain"));
  return options;
}

// Events that stay on screen; the rest ("blocked", "waiting") update the live line.
bool permanent(const std::string& phase) {
  return phase == "cordoned" || phase == "warning" || phase == "evicted" || phase == "deleted" ||
         phase == "gone" || phase == "would-evict" || phase == "failed" || phase == "info" ||
         phase == "evicting";
}

}  // namespace

CommandSpec drain_command() {
  CommandSpec spec;
  spec.name = "drain";
  spec.summary = kSummary;
  spec.usage = "orka ops drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [flags]";
  spec.run = [](CommandContext& ctx) -> Result<int> {
    auto options = parse(ctx);
    if (!options) return fail(options.error());
    if (options->help) {
      ctx.out << "usage: " << kUsage << "\n\n" << make_parser().help() << '\n';
      return 0;
    }
    JsonLinesWriter json(ctx.out);
    ProgressLine line(ctx.out, ctx.out_is_tty);
    options->op.cancel = ctx.cancel;
    options->op.progress = [&](const ProgressEvent& event) {
      if (options->json) {
        json.write(progress_event_json(event));
      } else if (event.phase == "done") {
        // the result line below says it
      } else if (permanent(event.phase)) {
        line.finish();
        (event.phase == "warning" ? ctx.err : ctx.out) << event.message << '\n';
      } else {
        line.update(event.message);
      }
    };
    auto outcome = ctx.ops.drain(options->node, options->op);
    line.finish();
    if (!outcome) return fail(outcome.error());
    if (options->json) {
      json.write({{"event", "result"},
                  {"node", outcome->node},
                  {"dry_run", options->op.dry_run},
                  {"evicted", outcome->evicted},
                  {"skipped", outcome->skipped}});
    } else {
      ctx.out << "node/" << outcome->node << " drained"
              << (options->op.dry_run ? " (dry run: nothing was changed)" : "") << '\n';
    }
    return 0;
  };
  return spec;
}

}  // namespace orka::drain
