// `orka ops rr TYPE/NAME... [--wait] [--timeout D] [--json]` (also `TYPE NAME...`).
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "orka/command_args.hpp"
#include "orka/command_output.hpp"
#include "orka/duration.hpp"
#include "orka/object_names.hpp"
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

CommandLine command_line() {
  CommandLine cli("orka ops rr", kSummary, "TYPE/NAME... [flags]", kUsage,
                  "print JSON objects (and JSON progress events with --wait)");
  cli.add_options()
      ("wait", "follow each rollout until it completes (kubectl's rollout-status rules)")
      ("timeout", "give up waiting after this long in total (e.g. 90s, 5m); 0: no limit",
       cxxopts::value<std::string>()->default_value("0"));
  return cli;
}

Result<std::vector<ObjectRef>> parse_targets(const CommandLine& cli,
                                             const std::vector<std::string>& positional) {
  std::vector<ObjectRef> targets;
  if (positional.empty()) return fail(cli.usage_error("name what to restart, e.g. deployment/web"));
  if (positional.front().find('/') == std::string::npos) {
    if (positional.size() < 2)
      return fail(cli.usage_error(fmt::format("{} names no object: write TYPE/NAME, e.g. deployment/{}",
                                    quote_name(positional.front()), positional.front())));
    for (std::size_t i = 1; i < positional.size(); ++i) {
      if (positional[i].find('/') != std::string::npos || positional[i].empty())
        return fail(cli.usage_error("after a TYPE, give bare NAMEs (or use TYPE/NAME for every object)"));
      targets.push_back(ObjectRef{"", positional.front(), positional[i]});
    }
    return targets;
  }
  for (const auto& text : positional) {
    auto slash = text.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() ||
        text.find('/', slash + 1) != std::string::npos)
      return fail(cli.usage_error(fmt::format("{} is not TYPE/NAME", quote_name(text))));
    targets.push_back(ObjectRef{"", text.substr(0, slash), text.substr(slash + 1)});
  }
  // Every name is checked before the first object is restarted; all restartable kinds use
  // the DNS-1123 subdomain rule.
  for (const auto& target : targets)
    if (auto valid = check_name(target.type, target.name, NameRule::Dns1123Subdomain); !valid)
      return fail(valid.error());
  return targets;
}

Result<RolloutCommandOptions> parse(CommandLine& cli, const CommandContext& ctx) {
  auto parsed_or = cli.parse(ctx.args);
  if (!parsed_or) return fail(parsed_or.error());
  const cxxopts::ParseResult& parsed = *parsed_or;
  RolloutCommandOptions options;
  options.help = parsed.count("help") > 0;
  if (options.help) return options;
  options.json = parsed.count("json") > 0;
  auto wait = parse_wait_flags(parsed, cli.hint());
  if (!wait) return fail(wait.error());
  options.op.wait = wait->wait;
  options.op.timeout = wait->timeout;
  auto targets = parse_targets(cli, parsed.unmatched());
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
    CommandLine cli = command_line();
    auto options = parse(cli, ctx);
    if (!options) return fail(options.error());
    if (options->help) {
      cli.print_help(ctx.out);
      return 0;
    }
    CommandOutput output(ctx, options->json, {.live = {"waiting"}});
    options->op.cancel = ctx.cancel;
    options->op.progress = output.progress();
    const auto started = std::chrono::steady_clock::now();
    const auto total = options->op.timeout;
    for (const auto& target : options->targets) {
      if (total.count() > 0) {  // one deadline for all targets
        auto left = total - std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started);
        options->op.timeout = std::max(left, std::chrono::milliseconds(1));
      }
      auto outcome = ctx.ops.rollout_restart(target, options->op);
      output.finish();
      if (!outcome) return fail(outcome.error());
      if (output.json()) {
        output.write_json({{"event", "result"},
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
