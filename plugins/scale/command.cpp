// `orka ops scale TYPE/NAME --replicas N [--mode subresource|apply] [--current-replicas M]
//  [--force-conflicts] [--wait] [--timeout D] [--json]`: flags → ScaleRequest → the scale op →
//  progress lines and one result line.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <limits>
#include <ostream>

#include "orka/command_output.hpp"
#include "orka/command_shape.hpp"
#include "scale.hpp"

namespace orka::scale {

namespace {

struct ScaleCommand {
  ScaleRequest request;
  bool json = false;

  static CommandInfo info() {
    return {"scale",
            {},
            "Set the replica count of a deployment, statefulset, ...",
            "orka ops scale TYPE/NAME --replicas N [--mode subresource|apply] [--current-replicas M]\n"
            "                [--force-conflicts] [--wait] [--timeout D] [--json]",
            "print a JSON object (and JSON progress events with --wait)"};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    add("replicas", "the new replica count", cxxopts::value<long long>())
       ("mode", "subresource: PATCH the scale subresource (default); apply: server-side apply "
                "of spec.replicas (field manager \"orka\")",
        cxxopts::value<std::string>()->default_value("subresource"))
       ("current-replicas", "only scale if the count is this now (checked atomically)",
        cxxopts::value<long long>())
       ("force-conflicts", "with --mode apply: take ownership of spec.replicas from another "
                           "field manager")
       ("wait", "return once N replicas are ready (Deployment: updated and available; "
                "StatefulSet: ready; ReplicaSet: ready and available)")
       ("timeout", "give up waiting after this long (e.g. 90s, 5m); 0: no limit",
        cxxopts::value<std::string>()->default_value("0"));
  }
  static std::string_view flag_for(std::string_view field) {
    if (field == "replicas") return "--replicas";
    if (field == "current_replicas") return "--current-replicas";
    if (field == "force_conflicts") return "--force-conflicts";
    if (field == "mode") return "--mode";
    if (field == "timeout") return "--timeout";
    return {};
  }

  static Result<std::int32_t> replica_count(long long value, std::string_view field) {
    if (value < 0 || value > std::numeric_limits<std::int32_t>::max())
      return fail_field(field, fmt::format("must be between 0 and {}",
                                           std::numeric_limits<std::int32_t>::max()));
    return static_cast<std::int32_t>(value);
  }

  Result<void> complete(const CommandArgs& args, CommandContext&) {
    json = args.json;
    const auto& flags = args.flags;
    if (flags.count("replicas") == 0) return fail(ErrorKind::Usage, "--replicas is required");
    auto replicas = replica_count(flags["replicas"].as<long long>(), "replicas");
    if (!replicas) return fail(replicas.error());
    request.replicas = *replicas;
    if (flags.count("current-replicas") > 0) {
      auto current = replica_count(flags["current-replicas"].as<long long>(), "current_replicas");
      if (!current) return fail(current.error());
      request.options.current_replicas = *current;
    }
    const auto mode = flags["mode"].as<std::string>();
    if (mode == "apply")
      request.mode = ScaleMode::Apply;
    else if (mode != "subresource")
      return fail_field("mode", fmt::format("must be subresource or apply, not \"{}\"", mode));
    request.options.force_conflicts = flags.count("force-conflicts") > 0;
    auto wait = parse_wait_flags(flags, "");
    if (!wait) return fail(wait.error());
    request.options.wait = wait->wait;
    request.options.timeout = wait->timeout;
    return complete_target(args.positional);
  }

  // TYPE/NAME, or kubectl's "TYPE NAME".
  Result<void> complete_target(const std::vector<std::string>& positional) {
    if (positional.empty())
      return fail(ErrorKind::Usage, "name what to scale as TYPE/NAME, e.g. deployment/web");
    if (positional.size() == 2 && positional[0].find('/') == std::string::npos) {
      request.target.type = positional[0];
      request.target.name = positional[1];
      return {};
    }
    if (positional.size() != 1) return fail(ErrorKind::Usage, "scale one object at a time (TYPE/NAME)");
    auto ref = parse_object_ref(positional.front(), "target");
    if (!ref) return fail(ref.error());
    request.target = *ref;
    return {};
  }

  Result<void> validate() const { return validate_scale_request(request); }

  Result<int> run(CommandContext& ctx) {
    CommandOutput output(ctx, json);
    request.options.cancel = ctx.cancel;
    // The last "done" event says what --wait waited for; the result line repeats it.
    std::string waited_for;
    request.options.progress = [&waited_for, show = output.progress()](const ProgressEvent& e) {
      if (e.phase == "done") waited_for = e.message;
      if (show) show(e);
    };
    auto outcome = ctx.ops.run<ScaleOp>(request);
    output.finish();
    if (!outcome) return fail(outcome.error());
    if (output.json()) {
      output.write_json(scale_result_json(*outcome, request.mode));
      return 0;
    }
    std::string text = outcome->resource + " scaled";
    if (outcome->previous_replicas && *outcome->previous_replicas == outcome->replicas)
      text = fmt::format("{} already had {} replicas", outcome->resource, outcome->replicas);
    else if (outcome->previous_replicas)
      text += fmt::format(" from {} to {} replicas", *outcome->previous_replicas, outcome->replicas);
    else
      text += fmt::format(" to {} replicas", outcome->replicas);
    if (!waited_for.empty()) text += fmt::format(" ({})", waited_for.substr(waited_for.find(": ") + 2));
    ctx.out << text << '\n';
    return 0;
  }
};

}  // namespace

CommandSpec scale_command() { return command_spec<ScaleCommand>(); }

}  // namespace orka::scale
