// `orka ops delete POD... [--grace-period S] [--force] [--wait] [--timeout D] [--json]`.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "delete.hpp"
#include "orka/command_args.hpp"
#include "orka/command_output.hpp"
#include "orka/duration.hpp"
#include "orka/object_names.hpp"

namespace orka::podsdelete {

namespace {

constexpr const char* kUsage =
    "orka ops delete POD... [--grace-period S] [--force] [--wait] [--timeout D] [--json]";
constexpr const char* kSummary = "Delete pods (UID-guarded; --wait until they are gone)";

struct DeleteCommandOptions {
  std::vector<std::string> pods;
  DeleteOptions op;
  bool json = false;
  bool help = false;
};

CommandLine command_line() {
  CommandLine cli("orka ops delete", kSummary, "POD... [flags]", kUsage,
                  "print one JSON object per pod (and JSON progress events)");
  cli.add_options()
      ("grace-period", "seconds the pod gets to stop; -1: its own terminationGracePeriodSeconds; "
                       "0 is turned into 1 unless --force",
       cxxopts::value<long long>()->default_value("-1"))
      ("force", "delete immediately (grace period 0) without waiting for the kubelet")
      ("now", "same as --grace-period 1")
      ("wait", "return only once each pod is gone")
      ("timeout", "give up waiting after this long (e.g. 90s, 5m); 0: no limit",
       cxxopts::value<std::string>()->default_value("0"));
  return cli;
}

Result<DeleteCommandOptions> parse(CommandLine& cli, const CommandContext& ctx) {
  auto parsed_or = cli.parse(ctx.args);
  if (!parsed_or) return fail(parsed_or.error());
  const cxxopts::ParseResult& parsed = *parsed_or;
  DeleteCommandOptions options;
  options.help = parsed.count("help") > 0;
  if (options.help) return options;
  options.json = parsed.count("json") > 0;
  options.op.force = parsed.count("force") > 0;
  const long long grace = parsed["grace-period"].as<long long>();
  if (grace < -1) return fail(cli.usage_error("--grace-period must be -1 (the pod's own) or 0 or more"));
  if (parsed.count("now") > 0) {
    if (parsed.count("grace-period") > 0)
      return fail(cli.usage_error("--now and --grace-period cannot be specified together"));
    options.op.grace_period_seconds = 1;
  } else if (grace >= 0) {
    options.op.grace_period_seconds = grace;
  }
  auto wait = parse_wait_flags(parsed, cli.hint());
  if (!wait) return fail(wait.error());
  options.op.wait = wait->wait;
  options.op.timeout = wait->timeout;
  options.pods = parsed.unmatched();
  if (options.pods.empty()) return fail(cli.usage_error("name at least one pod"));
  for (auto& pod : options.pods) {
    if (auto slash = pod.find('/'); slash != std::string::npos) {
      const std::string type = pod.substr(0, slash);
      if (type != "pod" && type != "pods" && type != "po")
        return fail(cli.usage_error(fmt::format(
            "{}: only pods can be deleted by this command (scale a workload to 0 instead)",
            quote_name(pod))));
      pod = pod.substr(slash + 1);
    }
    if (pod.empty()) return fail(cli.usage_error("a pod name is empty"));
    // Every name is checked before the first pod is deleted.
    if (auto valid = check_name("pod", pod, NameRule::Dns1123Subdomain); !valid)
      return fail(valid.error());
  }
  return options;
}

}  // namespace

CommandSpec delete_command() {
  CommandSpec spec;
  spec.name = "delete";
  spec.summary = kSummary;
  spec.usage = kUsage;
  spec.run = [](CommandContext& ctx) -> Result<int> {
    CommandLine cli = command_line();
    auto options = parse(cli, ctx);
    if (!options) return fail(options.error());
    if (options->help) {
      cli.print_help(ctx.out);
      return 0;
    }
    if (auto warning = force_warning(options->op.grace_period_seconds, options->op.force);
        !warning.empty())
      ctx.err << "Warning: " << warning << '\n';

    CommandOutput output(ctx, options->json, {.live = {"waiting"}});
    options->op.cancel = ctx.cancel;
    options->op.progress = output.progress();
    for (const auto& name : options->pods) {
      const auto started = std::chrono::steady_clock::now();
      auto outcome = ctx.ops.delete_pod(PodRef{"", name}, options->op);
      output.finish();
      if (!outcome) return fail(outcome.error());
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      if (output.json()) {
        output.write_json({{"event", "result"},
                           {"pod", outcome->pod},
                           {"uid", outcome->uid},
                           {"gone", outcome->gone}});
      } else if (options->op.wait) {
        ctx.out << fmt::format("pod \"{}\" deleted (gone after {})\n", name,
                               format_duration(elapsed));
      } else {
        ctx.out << fmt::format("pod \"{}\" deleted\n", name);
      }
    }
    return 0;
  };
  return spec;
}

}  // namespace orka::podsdelete
