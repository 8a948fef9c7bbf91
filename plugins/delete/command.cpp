// `orka ops delete POD... [--grace-period S] [--force] [--wait] [--timeout D] [--json]`: the pod
// names in, the delete op per pod, one line (or JSON object) each.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "delete.hpp"
#include "orka/command_output.hpp"
#include "orka/command_shape.hpp"
#include "orka/duration.hpp"
#include "orka/object_names.hpp"

namespace orka::podsdelete {

namespace {

struct DeleteCommand {
  std::vector<std::string> pods;
  DeleteOptions options;
  bool json = false;

  static CommandInfo info() {
    return {"delete",
            {},
            "Delete pods (UID-guarded; --wait until they are gone)",
            "orka ops delete POD... [--grace-period S] [--force] [--wait] [--timeout D] [--json]",
            "print one JSON object per pod (and JSON progress events)"};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    add("grace-period", "seconds the pod gets to stop; -1: its own terminationGracePeriodSeconds; "
                        "0 is turned into 1 unless --force",
        cxxopts::value<long long>()->default_value("-1"))
       ("force", "delete immediately (grace period 0) without waiting for the kubelet")
       ("now", "same as --grace-period 1")
       ("wait", "return only once each pod is gone")
       ("timeout", "give up waiting after this long (e.g. 90s, 5m); 0: no limit",
        cxxopts::value<std::string>()->default_value("0"));
  }
  static std::string_view flag_for(std::string_view field) {
    if (field == "grace_period_seconds") return "--grace-period";
    if (field == "timeout") return "--timeout";
    return {};
  }

  Result<void> complete(const CommandArgs& args, CommandContext&) {
    json = args.json;
    const auto& flags = args.flags;
    options.force = flags.count("force") > 0;
    const long long grace = flags["grace-period"].as<long long>();
    if (grace < -1)
      return fail_field("grace_period_seconds", "must be -1 (the pod's own) or 0 or more");
    if (flags.count("now") > 0) {
      if (flags.count("grace-period") > 0)
        return fail(ErrorKind::Usage, "--now and --grace-period cannot be specified together");
      options.grace_period_seconds = 1;
    } else if (grace >= 0) {
      options.grace_period_seconds = grace;
    }
    auto wait = parse_wait_flags(flags, "");
    if (!wait) return fail(wait.error());
    options.wait = wait->wait;
    options.timeout = wait->timeout;
    for (auto pod : args.positional) {
      if (auto slash = pod.find('/'); slash != std::string::npos) {
        const std::string type = pod.substr(0, slash);
        if (type != "pod" && type != "pods" && type != "po")
          return fail(ErrorKind::Usage,
                      fmt::format("{}: only pods can be deleted by this command (scale a workload "
                                  "to 0 instead)",
                                  quote_name(pod)));
        pod = pod.substr(slash + 1);
      }
      pods.push_back(std::move(pod));
    }
    return {};
  }

  Result<void> validate() const {
    if (pods.empty()) return fail(ErrorKind::Usage, "name at least one pod");
    for (const auto& pod : pods) {
      if (pod.empty()) return fail(ErrorKind::Usage, "a pod name is empty");
      // Every name is checked before the first pod is deleted.
      if (auto valid = check_name("pod", pod, NameRule::Dns1123Subdomain); !valid)
        return fail(valid.error());
    }
    return {};
  }

  Result<int> run(CommandContext& ctx) {
    if (auto warning = force_warning(options.grace_period_seconds, options.force); !warning.empty())
      ctx.err << "Warning: " << warning << '\n';
    CommandOutput output(ctx, json, {.live = {"waiting"}});
    options.cancel = ctx.cancel;
    options.progress = output.progress();
    for (const auto& name : pods) {
      const auto started = std::chrono::steady_clock::now();
      auto outcome = ctx.ops.run<DeletePodOp>(DeleteRequest{PodRef{"", name}, options});
      output.finish();
      if (!outcome) return fail(outcome.error());
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      if (output.json())
        output.write_json(delete_result_json(*outcome));
      else if (options.wait)
        ctx.out << fmt::format("pod \"{}\" deleted (gone after {})\n", name, format_duration(elapsed));
      else
        ctx.out << fmt::format("pod \"{}\" deleted\n", name);
    }
    return 0;
  }
};

}  // namespace

CommandSpec delete_command() { return command_spec<DeleteCommand>(); }

}  // namespace orka::podsdelete
