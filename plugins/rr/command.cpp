// `orka ops rr TYPE/NAME... [--wait] [--timeout D] [--json]` (also `TYPE NAME...`): the objects
// in, the rollout-restart op per object (one deadline for all), one line (or JSON object) each.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "orka/command_output.hpp"
#include "orka/command_shape.hpp"
#include "orka/object_names.hpp"
#include "rr.hpp"

namespace orka::rr {

namespace {

struct RolloutCommand {
  std::vector<ObjectRef> targets;
  RolloutOptions options;
  bool json = false;

  static CommandInfo info() {
    return {"rr",
            {},
            "Rollout restart deployments, statefulsets, daemonsets",
            "orka ops rr TYPE/NAME... [--wait] [--timeout D] [--json]\n"
            "       orka ops rr TYPE NAME... [flags]     (TYPE: deployment, statefulset, daemonset)",
            "print JSON objects (and JSON progress events with --wait)"};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    add("wait", "follow each rollout until it completes (kubectl's rollout-status rules)")
       ("timeout", "give up waiting after this long in total (e.g. 90s, 5m); 0: no limit",
        cxxopts::value<std::string>()->default_value("0"));
  }
  static std::string_view flag_for(std::string_view field) {
    return field == "timeout" ? "--timeout" : std::string_view{};
  }

  Result<void> complete(const CommandArgs& args, CommandContext&) {
    json = args.json;
    auto wait = parse_wait_flags(args.flags, "");
    if (!wait) return fail(wait.error());
    options.wait = wait->wait;
    options.timeout = wait->timeout;
    return complete_targets(args.positional);
  }

  Result<void> complete_targets(const std::vector<std::string>& positional) {
    if (positional.empty()) return fail(ErrorKind::Usage, "name what to restart, e.g. deployment/web");
    if (positional.front().find('/') == std::string::npos) {
      if (positional.size() < 2)
        return fail(ErrorKind::Usage,
                    fmt::format("{} names no object: write TYPE/NAME, e.g. deployment/{}",
                                quote_name(positional.front()), positional.front()));
      for (std::size_t i = 1; i < positional.size(); ++i) {
        if (positional[i].find('/') != std::string::npos || positional[i].empty())
          return fail(ErrorKind::Usage,
                      "after a TYPE, give bare NAMEs (or use TYPE/NAME for every object)");
        targets.push_back(ObjectRef{"", positional.front(), positional[i]});
      }
      return {};
    }
    for (const auto& text : positional) {
      auto ref = parse_object_ref(text, "target");
      if (!ref) return fail(ref.error());
      targets.push_back(*ref);
    }
    return {};
  }

  Result<void> validate() const {
    // Every name is checked before the first object is restarted; all restartable kinds use
    // the DNS-1123 subdomain rule.
    for (const auto& target : targets)
      if (auto valid = check_name(target.type, target.name, NameRule::Dns1123Subdomain); !valid)
        return fail(valid.error());
    return {};
  }

  Result<int> run(CommandContext& ctx) {
    CommandOutput output(ctx, json, {.live = {"waiting"}});
    options.cancel = ctx.cancel;
    options.progress = output.progress();
    const auto started = std::chrono::steady_clock::now();
    const auto total = options.timeout;
    for (const auto& target : targets) {
      RolloutRequest request{target, options};
      if (total.count() > 0) {  // one deadline for all targets
        auto left = total - std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started);
        request.options.timeout = std::max(left, std::chrono::milliseconds(1));
      }
      auto outcome = ctx.ops.run<RolloutRestartOp>(request);
      output.finish();
      if (!outcome) return fail(outcome.error());
      if (output.json()) {
        output.write_json(rr_result_json(*outcome, options.wait));
      } else {
        ctx.out << outcome->resource << " restarted"
                << (options.wait ? " and successfully rolled out" : "") << '\n';
      }
    }
    return 0;
  }
};

}  // namespace

CommandSpec rr_command() { return command_spec<RolloutCommand>(); }

}  // namespace orka::rr
