// `orka ops rr TYPE/NAME... [--wait] [--timeout D] [--json]` (also `TYPE NAME...`).
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "orka/command_args.hpp"
#include "orka/duration.hpp"
#include "orka/output.hpp"
#include "rr.hpp"

namespace orka::rr {

namespace {

constexpr const char* kUsage =
    "orka ops rr TYPE/NAME... [--wait] [--timeout D] [--json]\n"
    "       orka ops rr TYPE NAME... [flags]     (TYPE: deployment, statefulset, daemonset)";
constexpr const char* kSummary = "Rollout restart deployments, statefulsets, daemonsets";

struct RolloutCommandOptions {
  std::vector<ObjectRef> targets;
  RolloutOptions op;
  bool json = false;
  bool help = false;
};

cxxopts::Options make_parser() {
  cxxopts::Options parser("orka ops rr", kSummary);
  parser.custom_help("TYPE/NAME... [flags]");
  parser.add_options()
      ("wait", "follow each rollout until it completes (kubectl's rollout-status rules)")
      ("timeout", "give up waiting after this long in total (e.g. 90s, 5m); 0: no limit",
       cxxopts::value<std::string>()->default_value("0"))
      ("json", "print JSON objects (and JSON progress events with --wait)")
      ("h,help", "show this help");
  return parser;
}

Error usage(std::string message) {
  return make_error(ErrorKind::Usage, std::move(message), std::string("usage: ") + kUsage);
}

Result<std::vector<ObjectRef>> parse_targets(const std::vector<std::string>& positional) {
  std::vector<ObjectRef> targets;
  if (positional.empty()) return fail(usage("name what to restart, e.g. deployment/web"));
  if (positional.front().find('/') == std::string::npos) {
    if (positional.size() < 2)
      return fail(usage(fmt::format("\"{}\" names no object: write TYPE/NAME, e.g. deployment/{}",
                                    positional.front(), positional.front())));
    for (std::size_t i = 1; i < positional.size(); ++i) {
      if (positional[i].find('/') != std::string::npos || positional[i].empty())
        return fail(usage("after a TYPE, give bare NAMEs (or use TYPE/NAME for every object)"));
      targets.push_back(ObjectRef{"", positional.front(), positional[i]});
    }
    return targets;
  }
  for (const auto& text : positional) {
    auto slash = text.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() ||
        text.find('/', slash + 1) != std::string::npos)
      return fail(usage(fmt::format("\"{}\" is not TYPE/NAME", text)));
    targets.push_back(ObjectRef{"", text.substr(0, slash), text.substr(slash + 1)});
  }
  return targets;
}

Result<RolloutCommandOptions> parse(const CommandContext& ctx) {
  auto parser = make_parser();
  auto parsed_or = parse_command_args(parser, ctx.args, std::string("usage: ") + kUsage);
  if (!parsed_or) return fail(parsed_or.error());
  const cxxopts::ParseResult& parsed = *parsed_or;
  RolloutCommandOptions options;
  options.help = parsed.count("help") > 0;
  if (options.help) return options;
  options.json = parsed.count("json") > 0;
  auto wait = parse_wait_flags(parsed, std::string("usage: ") + kUsage);
  if (!wait) return fail(wait.error());
  options.op.wait = wait->wait;
  options.op.timeout = wait->timeout;
  auto targets = parse_targets(parsed.unmatched());
  if (!targets) return fail(targets.error());
  options.targets = std::move(*targets);
  return options;
}

}  // namespace

CommandSpec rr_command() {
  CommandSpec spec;
  spec.name = "rr";
  spec.summary = kSummary;
  spec.usage = "orka ops rr TYPE/NAME... [--wait] [--timeout D]";
  spec.run = [](CommandContext& ctx) -> Result<int> {
    auto options = parse(ctx);
    if (!options) return fail(options.error());
    if (options->help) {
      ctx.out << "usage: " << kUsage << "\n\n" << make_parser().help() << '\n';
      return 0;
    }
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
    const auto started = std::chrono::steady_clock::now();
    const auto total = options->op.timeout;
    for (const auto& target : options->targets) {
      if (total.count() > 0) {  // one deadline for all targets
        auto left = total - std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started);
        options->op.timeout = std::max(left, std::chrono::milliseconds(1));
      }
      auto outcome = ctx.ops.rollout_restart(target, options->op);
      line.finish();
      if (!outcome) return fail(outcome.error());
      if (options->json) {
        json.write({{"event", "result"},
                    {"resource", outcome->resource},
                    {"restarted_at", outcome->restarted_at},
                    {"rolled_out", options->op.wait}});
      } else {
        ctx.out << outcome->resource << " restarted"
                << (options->op.wait ? " and successfully rolled out" : "") << '\n';
      }
    }
    return 0;
  };
  return spec;
}

}  // namespace orka::rr
