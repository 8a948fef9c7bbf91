// `orka ops drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [--grace-period S]
//  [--timeout D] [--pod-selector SEL] [--disable-eviction] [--skip-wait-for-delete-timeout S]
//  [--parallel N] [--dry-run] [--json]`: flags → DrainRequest → the drain op → what happened to
//  each pod, and one result line.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <ostream>

#include "drain.hpp"
#include "orka/command_output.hpp"
#include "orka/command_shape.hpp"
#include "orka/duration.hpp"
#include "orka/object_names.hpp"

namespace orka::drain {

namespace {

struct DrainCommand {
  DrainRequest request;
  bool json = false;

  static CommandInfo info() {
    return {"drain",
            {},
            "Cordon a node and evict its pods",
            "orka ops drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force]\n"
            "                [--grace-period S] [--timeout D] [--pod-selector SEL] [--disable-eviction]\n"
            "                [--skip-wait-for-delete-timeout S] [--parallel N] [--dry-run] [--json]",
            "print JSON Lines progress events and a final result object"};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    add("ignore-daemonsets", "leave DaemonSet-managed pods in place instead of refusing")
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
       ("parallel", "evictions in flight at once (a pod a PodDisruptionBudget holds back does not "
                    "hold a place while it waits)",
        cxxopts::value<long long>()->default_value(std::to_string(kDefaultDrainParallel)))
       ("dry-run", "pre-flight: list every pod and what would happen to it, and every blocker "
                   "(flags needed, PodDisruptionBudgets allowing no disruption); exit 1 when "
                   "the drain would not go through; change nothing (not even the cordon)");
  }
  static std::string_view flag_for(std::string_view field) {
    if (field == "grace_period_seconds") return "--grace-period";
    if (field == "skip_wait_for_delete_timeout_seconds") return "--skip-wait-for-delete-timeout";
    if (field == "parallel") return "--parallel";
    if (field == "timeout") return "--timeout";
    if (field == "pod_selector") return "--pod-selector";
    return {};
  }

  Result<void> complete(const CommandArgs& args, CommandContext&) {
    json = args.json;
    const auto& flags = args.flags;
    DrainOptions& options = request.options;
    options.ignore_daemonsets = flags.count("ignore-daemonsets") > 0;
    options.delete_emptydir_data =
        flags.count("delete-emptydir-data") > 0 || flags.count("delete-local-data") > 0;
    options.force = flags.count("force") > 0;
    options.disable_eviction = flags.count("disable-eviction") > 0;
    options.dry_run = flags.count("dry-run") > 0;
    options.pod_selector = flags["pod-selector"].as<std::string>();
    const long long grace = flags["grace-period"].as<long long>();
    if (grace < -1)
      return fail_field("grace_period_seconds", "must be -1 (the pod's own) or 0 or more");
    if (grace >= 0) options.grace_period_seconds = grace;
    const long long skip = flags["skip-wait-for-delete-timeout"].as<long long>();
    if (skip < 0) return fail_field("skip_wait_for_delete_timeout_seconds", "must be 0 or more seconds");
    if (skip > 0) options.skip_wait_for_delete_timeout_seconds = skip;
    const long long parallel = flags["parallel"].as<long long>();
    if (parallel < 1) return fail_field("parallel", "must be at least 1");
    options.parallel = static_cast<std::size_t>(parallel);
    auto timeout = parse_duration(flags["timeout"].as<std::string>(), "--timeout");
    if (!timeout) return fail(timeout.error());
    options.timeout = *timeout;

    const auto& positional = args.positional;
    if (positional.empty()) return fail(ErrorKind::Usage, "name the node to drain");
    if (positional.size() > 1) return fail(ErrorKind::Usage, "drain one node at a time");
    request.node = positional.front();
    if (auto slash = request.node.find('/'); slash != std::string::npos) {
      const std::string type = request.node.substr(0, slash);
      if (type != "node" && type != "nodes" && type != "no")
        return fail(ErrorKind::Usage,
                    fmt::format("{}: only nodes can be drained", quote_name(request.node)));
      request.node = request.node.substr(slash + 1);
    }
    if (request.node.empty()) return fail(ErrorKind::Usage, "name the node to drain");
    return {};
  }

  Result<void> validate() const { return validate_drain_request(request); }

  Result<int> run(CommandContext& ctx) {
    // What each pod came to stays on screen; "blocked" and "waiting" pass on the status line.
    CommandOutput output(ctx, json,
                         {.kept = {"cordoned", "warning", "evicting", "evicted",
                                   "namespace-terminating", "deleted", "gone", "preview",
                                   "blocker", "failed", "info"},
                          // "preflight" is the dry run's summary for JSON readers; the
                          // result line (or the error) says it to people.
                          // "retrying" too: the fault tests read that an eviction was sent
                          // again, and a user watching a slow drain wants to see it.
                          .live = {"blocked", "waiting", "retrying"},
                          .on_stdout = true});
    request.options.cancel = ctx.cancel;
    request.options.progress = output.progress();
    auto outcome = ctx.ops.run<DrainOp>(request);
    output.finish();
    if (!outcome) return fail(outcome.error());
    if (output.json()) {
      output.write_json(drain_result_json(*outcome, request.options.dry_run));
      return 0;
    }
    if (request.options.dry_run) {
      ctx.out << fmt::format("node/{} can be drained: {} {} would go, {} skipped (dry run: "
                             "nothing was changed)\n",
                             outcome->node, outcome->evicted.size(),
                             outcome->evicted.size() == 1 ? "pod" : "pods",
                             outcome->skipped.size());
      return 0;
    }
    ctx.out << "node/" << outcome->node << " drained";
    if (!outcome->left_with_namespace.empty())
      ctx.out << fmt::format(" ({} went with their namespace's deletion instead of an eviction: {})",
                             outcome->left_with_namespace.size(),
                             fmt::join(outcome->left_with_namespace, ", "));
    ctx.out << '\n';
    return 0;
  }
};

}  // namespace

CommandSpec drain_command() { return command_spec<DrainCommand>(); }

}  // namespace orka::drain
