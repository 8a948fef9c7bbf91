// `orka ops delete POD... [--grace-period S] [--force] [--wait] [--timeout D] [--json]`.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "delete.hpp"
#include "orka/command_args.hpp"
#include "orka/duration.hpp"
#include "orka/output.hpp"

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

cxxopts::Options make_parser() {
  cxxopts::Options parser("orka ops delete", kSummary);
  parser.custom_help("POD... [flags]");
  parser.add_options()
      ("grace-period", "seconds the pod gets to stop; -1: its own terminationGracePeriodSeconds; "
                       "0 is turned into 1 unless --force",
       cxxopts::value<long long>()->default_value("-1"))
      ("force", "delete immediately (grace period 0) without waiting for the kubelet")
      ("now", "same as --grace-period 1")
      ("wait", "return only once each pod is gone")
      ("timeout", "give up waiting after this long (e.g. 90s, 5m); 0: no limit",
       cxxopts::value<std::string>()->default_value("0"))
      ("json", "print one JSON object per pod (and JSON progress events)")
      ("h,help", "show this help");
  return parser;
}

Error usage(std::string message) {
  return make_error(ErrorKind::Usage, std::move(message), std::string("usage: ") + kUsage);
}

Result<DeleteCommandOptions> parse(const CommandContext& ctx) {
  auto parser = make_parser();
  auto parsed_or = parse_command_args(parser, ctx.args, std::string("usage: ") + kUsage);
  if (!parsed_or) return fail(parsed_or.error());
  const cxxopts::ParseResult& parsed = *parsed_or;
  DeleteCommandOptions options;
  options.help = parsed.count("help") > 0;
  if (options.help) return options;
  options.json = parsed.count("json") > 0;
  options.op.force = parsed.count("force") > 0;
  const long long grace = parsed["grace-period"].as<long long>();
  if (grace < -1) return fail(usage("--grace-period must be -1 (the pod's own) or 0 or more"));
  if (parsed.count("now") > 0) {
    if (parsed.count("grace-period") > 0)
      return fail(usage("--now and --grace-period cannot be specified together"));
    options.op.grace_period_seconds = 1;
  } else if (grace >= 0) {
    options.op.grace_period_seconds = grace;
  }
  auto wait = parse_wait_flags(parsed, std::string("usage: ") + kUsage);
  if (!wait) return fail(wait.error());
  options.op.wait = wait->wait;
  options.op.timeout = wait->timeout;
  options.pods = parsed.unmatched();
  if (options.pods.empty()) return fail(usage("name at least one pod"));
  for (auto& pod : options.pods) {
    if (auto slash = pod.find('/'); slash != std::string::npos) {
      const std::string type = pod.substr(0, slash);
      if (type != "pod" && type != "pods" && type != "po")
        return fail(usage(fmt::format(
            "\"{}\": only pods can be deleted by this command (scale a workload to 0 instead)",
            pod)));
      pod = pod.substr(slash + 1);
    }
    if (pod.empty()) return fail(usage("a pod name is empty"));
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
    auto options = parse(ctx);
    if (!options) return fail(options.error());
    if (options->help) {
      ctx.out << "usage: " << kUsage << "\n\n" << make_parser().help() << '\n';
      return 0;
    }
    if (auto warning = force_warning(options->op.grace_period_seconds, options->op.force);
        !warning.empty())
      ctx.err << "Warning: " << warning << '\n';

    JsonLinesWriter json(ctx.out);
    ProgressLine line(ctx.err, ctx.err_is_tty);
    options->op.cancel = ctx.cancel;
    options->op.progress = [&](const ProgressEvent& event) {
      if (options->json) {
        json.write(progress_event_json(event));
      } else if (event.phase == "waiting") {
        line.update(event.message);
      }
    };
    for (const auto& name : options->pods) {
      const auto started = std::chrono::steady_clock::now();
      auto outcome = ctx.ops.delete_pod(PodRef{"", name}, options->op);
      line.finish();
      if (!outcome) return fail(outcome.error());
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      if (options->json) {
        json.write({{"event", "result"},
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
