#include "rr.hpp"

#include <fmt/format.h>

#include "orka/duration.hpp"
#include "orka/missing_namespace.hpp"
#include "orka/object_names.hpp"
#include "orka/timestamp.hpp"
#include "orka/watch.hpp"

namespace orka::rr {

namespace {

struct Target {
  ApiResource resource;
  std::string namespace_;
  std::string name;
  std::string display;  // "deployment/web"
  ApiPath path;
};

Permission permission_for(const Target& target, const char* verb, bool named = true) {
  Permission p;
  p.verb = verb;
  p.group = target.resource.group;
  p.resource = target.resource.resource;
  p.namespace_ = target.namespace_;
  if (named) p.name = target.name;
  return p;
}

bool restartable(const ApiResource& resource) {
  return resource.group == "apps" &&
         (resource.resource == "deployments" || resource.resource == "statefulsets" ||
          resource.resource == "daemonsets");
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Result<void> wait_for_rollout(Client& client, const Target& target, const RolloutOptions& options,
                              std::chrono::steady_clock::time_point started) {
  WatchTarget watch;
  watch.collection_path = target.resource.collection_path(target.namespace_);
  watch.field_selector = "metadata.name=" + target.name;
  watch.permission = permission_for(target, "list", false);
  WatchLimits limits;
  if (options.timeout.count() > 0) limits.deadline = started + options.timeout;
  std::string last_message;
  auto handler = [&](const WatchEvent& event) -> Result<WatchAction> {
    nlohmann::json object;
    if (event.type == WatchEvent::Type::Listed) {
      if (event.object.empty())
        return fail(ErrorKind::NotFound, target.display + " was deleted during the rollout");
      object = event.object.front();
    } else if (event.type == WatchEvent::Type::Deleted) {
      return fail(ErrorKind::NotFound, target.display + " was deleted during the rollout");
    } else {
      object = event.object;
    }
    auto status = rollout_status(target.resource.kind, object);
    last_message = status.message;
    if (status.state == RolloutStatus::State::Failed) {
      Error error = make_error(ErrorKind::Timeout, status.message);
      if (status.message.find("progress deadline") != std::string::npos) {
        error.hint = "see why with `kubectl describe " + target.display +
                     "` (image pull errors, crashing pods, missing resources)";
      } else {
        error.kind = ErrorKind::Unsupported;
      }
      return fail(std::move(error));
    }
    if (options.progress)
      options.progress(ProgressEvent{
          status.state == RolloutStatus::State::Done ? "done" : "waiting", status.message,
          {{"resource", target.display}}});
    return status.state == RolloutStatus::State::Done ? WatchAction::Stop : WatchAction::Continue;
  };
  auto waited = list_and_watch(client, watch, handler, limits, options.cancel);
  if (!waited && waited.error().kind == ErrorKind::Timeout &&
      waited.error().message == "the wait timed out")
    return fail(ErrorKind::Timeout,
                fmt::format("the rollout of {} did not finish within {}: {}", target.display,
                            format_duration(options.timeout), last_message),
                "the restart itself was applied; follow it with `orka ops rr --wait` again or "
                "`kubectl rollout status`");
  return waited;
}

}  // namespace

Result<RolloutOutcome> RolloutOps::run(const RolloutRequest& request) {
  const ObjectRef& ref = request.target;
  const RolloutOptions& options = request.options;
  if (ref.type.empty() || ref.name.empty())
    return fail_field("target", "must name what to restart as TYPE/NAME, e.g. deployment/web");
  if (options.timeout.count() < 0) return fail_field("timeout", "must not be negative");
  const auto started = std::chrono::steady_clock::now();
  auto client_result = services_.client();
  if (!client_result) return fail(client_result.error());
  Client& client = **client_result;
  auto discovery = services_.discovery();
  if (!discovery) return fail(discovery.error());
  auto resource = (*discovery)->resolve(ref.type, options.cancel);
  if (!resource) return fail(resource.error());
  if (!restartable(*resource))
    return fail(ErrorKind::Refused,
                fmt::format("cannot restart {} \"{}\": rollout restart supports deployments, "
                            "statefulsets and daemonsets only",
                            resource->kind.empty() ? resource->resource : resource->kind,
                            ref.name),
                "to restart a single pod, delete it (`orka ops delete`) and let its controller "
                "replace it");

  Target target;
  target.resource = *resource;
  target.name = ref.name;
  target.namespace_ = ref.namespace_;
  if (target.namespace_.empty()) {
    auto ns = services_.default_namespace();
    if (!ns) return fail(ns.error());
    target.namespace_ = *ns;
  }
  if (auto valid = check_namespace(target.namespace_); !valid) return fail(valid.error());
  if (auto valid = check_name(lower(target.resource.kind), target.name,
                              name_rule_for(target.resource.resource));
      !valid)
    return fail(valid.error());
  target.display = lower(target.resource.kind) + "/" + target.name;
  target.path = target.resource.object_path(target.namespace_, target.name);

  auto current = get_json(client, target.path, options.cancel, permission_for(target, "get"));
  if (!current) {
    Error error = current.error();
    if (error.kind == ErrorKind::NotFound)
      error.message = fmt::format("{} not found in namespace \"{}\"", target.display,
                                  target.namespace_);
    return fail(explain_not_found(client, std::move(error), target.namespace_, options.cancel));
  }
  if (target.resource.resource == "deployments" &&
      current->value("/spec/paused"_json_pointer, false))
    return fail(ErrorKind::Refused,
                fmt::format("deployment \"{}\" is paused: a paused deployment does not roll out, "
                            "so it was not restarted",
                            target.name),
                "resume it first (`kubectl rollout resume deployment/" + target.name +
                    "`), then restart");

  RolloutOutcome outcome;
  outcome.resource = target.display;
  outcome.restarted_at = format_rfc3339(std::chrono::system_clock::now());
  auto patched = send_json(client, "PATCH", target.path, restart_patch(outcome.restarted_at),
                           "application/strategic-merge-patch+json", options.cancel,
                           permission_for(target, "patch"));
  if (!patched) return fail(patched.error());
  if (options.progress)
    options.progress(ProgressEvent{"restarted", target.display + " restarted",
                                   {{"resource", target.display},
                                    {"restarted_at", outcome.restarted_at}}});
  if (!options.wait) return outcome;
  if (auto waited = wait_for_rollout(client, target, options, started); !waited)
    return fail(waited.error());
  return outcome;
}

}  // namespace orka::rr
