// `orka ops drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [--grace-period S]
//  [--timeout D] [--pod-selector SEL] [--disable-eviction] [--skip-wait-for-delete-timeout S]
//  [--dry-run] [--json]`.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <ostream>

#include "drain.hpp"
#include "orka/command_args.hpp"
#include "orka/command_output.hpp"
#include "orka/duration.hpp"
#include "orka/object_names.hpp"

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

CommandLine command_line() {
  CommandLine cli("orka ops drain", kSummary, "NODE [flags]", kUsage,
                  "print JSON Lines progress events and a final result object");
  cli.add_options()
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
      ("dry-run", "show what would be evicted and refused; change nothing");
  return cli;
}

Result<DrainCommandOptions> parse(CommandLine& cli, const CommandContext& ctx) {
  auto parsed_or = cli.parse(ctx.args);
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
  if (grace < -1) return fail(cli.usage_error("--grace-period must be -1 (the pod's own) or 0 or more"));
  if (grace >= 0) op.grace_period_seconds = grace;
  const long long skip = parsed["skip-wait-for-delete-timeout"].as<long long>();
  if (skip < 0) return fail(cli.usage_error("--skip-wait-for-delete-timeout must be 0 or more seconds"));
  if (skip > 0) op.skip_wait_for_delete_timeout_seconds = skip;
  auto timeout = parse_duration(parsed["timeout"].as<std::string>(), "--timeout");
  if (!timeout) return fail(timeout.error());
  op.timeout = *timeout;
  const auto positional = parsed.unmatched();
  if (positional.empty()) return fail(cli.usage_error("name the node to drain"));
  if (positional.size() > 1) return fail(cli.usage_error("drain one node at a time"));
  options.node = positional.front();
  if (auto slash = options.node.find('/'); slash != std::string::npos) {
    const std::string type = options.node.substr(0, slash);
    if (type != "node" && type != "nodes" && type != "no")
      return fail(cli.usage_error(fmt::format("{}: only nodes can be drained", quote_name(options.node))));
    options.node = options.node.substr(slash + 1);
  }
  if (options.node.empty()) return fail(cli.usage_error("name the node to drain"));
  return options;
}

}  // namespace

CommandSpec drain_command() {
  CommandSpec spec;
  spec.name = "drain";
  spec.summary = kSummary;
  spec.usage = "orka ops drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [flags]";
  spec.run = [](CommandContext& ctx) -> Result<int> {
    CommandLine cli = command_line();
    auto options = parse(cli, ctx);
    if (!options) return fail(options.error());
    if (options->help) {
      cli.print_help(ctx.out);
      return 0;
    }
    // What each pod came to stays on screen; "blocked" and "waiting" pass on the status line.
    CommandOutput output(ctx, options->json,
                         {.kept = {"cordoned", "warning", "evicting", "evicted",
                                   "namespace-terminating", "deleted", "gone", "would-evict",
                                   "failed", "info"},
                          .on_stdout = true});
    options->op.cancel = ctx.cancel;
    options->op.progress = output.progress();
    auto outcome = ctx.ops.drain(options->node, options->op);
    output.finish();
    if (!outcome) return fail(outcome.error());
    if (output.json()) {
      output.write_json({{"event", "result"},
                         {"node", outcome->node},
                         {"dry_run", options->op.dry_run},
                         {"evicted", outcome->evicted},
                         {"left_with_namespace", outcome->left_with_namespace},
                         {"skipped", outcome->skipped}});
    } else {
      ctx.out << "node/" << outcome->node << " drained"
              << (options->op.dry_run ? " (dry run: nothing was changed)" : "");
      if (!outcome->left_with_namespace.empty())
        ctx.out << fmt::format(" ({} went with their namespace's deletion instead of an eviction: {})",
                               outcome->left_with_namespace.size(),
                               fmt::join(outcome->left_with_namespace, ", "));
      ctx.out << '\n';
    }
    return 0;
  };
  return spec;
}

}  // namespace orka::drain
