// `orka ops scale TYPE/NAME --replicas N [--mode subresource|apply] [--current-replicas M]
//  [--force-conflicts] [--wait] [--timeout D] [--json]`.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <limits>
#include <ostream>

#include "orka/command_args.hpp"
#include "orka/command_output.hpp"
#include "orka/duration.hpp"
#include "orka/object_names.hpp"
#include "scale.hpp"

namespace orka::scale {

namespace {

constexpr const char* kUsage =
    "orka ops scale TYPE/NAME --replicas N [--mode subresource|apply] [--current-replicas M]\n"
    "                [--force-conflicts] [--wait] [--timeout D] [--json]";
constexpr const char* kSummary = "Set the replica count of a deployment, statefulset, ...";

struct ScaleCommandOptions {
  ObjectRef target;
  std::int32_t replicas = 0;
  ScaleMode mode = ScaleMode::Subresource;
  ScaleOptions op;
  bool json = false;
  bool help = false;
};

CommandLine command_line() {
  CommandLine cli("orka ops scale", kSummary, "TYPE/NAME --replicas N [flags]", kUsage,
                  "print a JSON object (and JSON progress events with --wait)");
  cli.add_options()
      ("replicas", "the new replica count", cxxopts::value<long long>())
      ("mode", "subresource: PATCH the scale subresource (default); apply: server-side apply "
               "of spec.replicas (field manager \"orka\")",
       cxxopts::value<std::string>()->default_value("subresource"))
      ("current-replicas", "only scale if the count is this now (checked atomically)",
       cxxopts::value<long long>())
      ("force-conflicts", "with --mode apply: take ownership of spec.replicas from another "
                          "field manager")
      ("wait", "return once the replicas exist (status.replicas == N, controller caught up)")
      ("timeout", "give up waiting after this long (e.g. 90s, 5m); 0: no limit",
       cxxopts::value<std::string>()->default_value("0"));
  return cli;
}

Result<std::int32_t> replica_count(const CommandLine& cli, long long value, const char* flag) {
  if (value < 0 || value > std::numeric_limits<std::int32_t>::max())
    return fail(cli.usage_error(fmt::format("{} must be between 0 and {}", flag,
                                  std::numeric_limits<std::int32_t>::max())));
  return static_cast<std::int32_t>(value);
}

Result<ObjectRef> parse_target(const CommandLine& cli, const std::vector<std::string>& positional) {
  ObjectRef ref;
  if (positional.size() == 1) {
    const auto& text = positional.front();
    auto slash = text.find('/');
    if (slash == std::string::npos)
      return fail(cli.usage_error(fmt::format("{} names no type: write TYPE/NAME, e.g. deployment/{}",
                                    quote_name(text), text)));
    ref.type = text.substr(0, slash);
    ref.name = text.substr(slash + 1);
  } else if (positional.size() == 2 && positional[0].find('/') == std::string::npos) {
    ref.type = positional[0];  // kubectl's "TYPE NAME" form
    ref.name = positional[1];
  } else if (positional.empty()) {
    return fail(cli.usage_error("name what to scale as TYPE/NAME, e.g. deployment/web"));
  } else {
    return fail(cli.usage_error("scale one object at a time (TYPE/NAME)"));
  }
  if (ref.type.empty() || ref.name.empty() || ref.name.find('/') != std::string::npos)
    return fail(cli.usage_error("name what to scale as TYPE/NAME, e.g. deployment/web"));
  return ref;
}

Result<ScaleCommandOptions> parse(CommandLine& cli, const CommandContext& ctx) {
  auto parsed_or = cli.parse(ctx.args);
  if (!parsed_or) return fail(parsed_or.error());
  const cxxopts::ParseResult& parsed = *parsed_or;
  ScaleCommandOptions options;
  options.help = parsed.count("help") > 0;
  if (options.help) return options;
  options.json = parsed.count("json") > 0;
  if (parsed.count("replicas") == 0) return fail(cli.usage_error("--replicas is required"));
  auto replicas = replica_count(cli, parsed["replicas"].as<long long>(), "--replicas");
  if (!replicas) return fail(replicas.error());
  options.replicas = *replicas;
  if (parsed.count("current-replicas") > 0) {
    auto current = replica_count(cli, parsed["current-replicas"].as<long long>(), "--current-replicas");
    if (!current) return fail(current.error());
    options.op.current_replicas = *current;
  }
  const auto mode = parsed["mode"].as<std::string>();
  if (mode == "subresource") {
    options.mode = ScaleMode::Subresource;
  } else if (mode == "apply") {
    options.mode = ScaleMode::Apply;
  } else {
    return fail(cli.usage_error(fmt::format("--mode must be subresource or apply, not \"{}\"", mode)));
  }
  options.op.force_conflicts = parsed.count("force-conflicts") > 0;
  if (options.op.force_conflicts && options.mode != ScaleMode::Apply)
    return fail(cli.usage_error("--force-conflicts only applies with --mode apply"));
  auto wait = parse_wait_flags(parsed, cli.hint());
  if (!wait) return fail(wait.error());
  options.op.wait = wait->wait;
  options.op.timeout = wait->timeout;
  auto target = parse_target(cli, parsed.unmatched());
  if (!target) return fail(target.error());
  options.target = *target;
  return options;
}

}  // namespace

CommandSpec scale_command() {
  CommandSpec spec;
  spec.name = "scale";
  spec.summary = kSummary;
  spec.usage = "orka ops scale TYPE/NAME --replicas N [--mode subresource|apply] [flags]";
  spec.run = [](CommandContext& ctx) -> Result<int> {
    CommandLine cli = command_line();
    auto options = parse(cli, ctx);
    if (!options) return fail(options.error());
    if (options->help) {
      cli.print_help(ctx.out);
      return 0;
    }
    CommandOutput output(ctx, options->json);
    options->op.cancel = ctx.cancel;
    options->op.progress = output.progress();
    auto outcome = ctx.ops.scale(options->target, options->replicas, options->mode, options->op);
    output.finish();
    if (!outcome) return fail(outcome.error());
    if (output.json()) {
      nlohmann::json object = {{"event", "result"},
                               {"resource", outcome->resource},
                               {"replicas", outcome->replicas},
                               {"mode", options->mode == ScaleMode::Apply ? "apply" : "subresource"}};
      object["previous_replicas"] = outcome->previous_replicas
                                        ? nlohmann::json(*outcome->previous_replicas)
                                        : nlohmann::json(nullptr);
      output.write_json(object);
      return 0;
    }
    std::string text = outcome->resource + " scaled";
    if (outcome->previous_replicas && *outcome->previous_replicas == outcome->replicas)
      text = fmt::format("{} already had {} replicas", outcome->resource, outcome->replicas);
    else if (outcome->previous_replicas)
      text += fmt::format(" from {} to {} replicas", *outcome->previous_replicas, outcome->replicas);
    else
      text += fmt::format(" to {} replicas", outcome->replicas);
    if (options->op.wait) text += " (all present)";
    ctx.out << text << '\n';
    return 0;
  };
  return spec;
}

}  // namespace orka::scale
