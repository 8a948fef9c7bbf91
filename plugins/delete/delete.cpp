#include "delete.hpp"

#include <fmt/format.h>

#include "orka/duration.hpp"
#include "orka/missing_namespace.hpp"
#include "orka/pod_targets.hpp"
#include "orka/wait_gone.hpp"

namespace orka::podsdelete {

namespace {

Permission pod_permission(const char* verb, const std::string& namespace_,
                          const std::string& name) {
  Permission p;
  p.verb = verb;
  p.resource = "pods";
  p.namespace_ = namespace_;
  p.name = name;
  return p;
}

void report(const ProgressFn& progress, const char* phase, std::string message,
            nlohmann::json data) {
  if (progress) progress(ProgressEvent{phase, std::move(message), std::move(data)});
}

}  // namespace

std::optional<std::int64_t> effective_grace_period(std::optional<std::int64_t> requested,
                                                   bool force) {
  if (requested && *requested == 0 && !force) return 1;
  if (force && !requested) return 0;
  return requested;
}

std::string force_warning(std::optional<std::int64_t> requested, bool force) {
  if (!force) return {};
  if (effective_grace_period(requested, force) == 0)
    return "Immediate deletion does not wait for confirmation that the running resource has "
           "been terminated. The resource may continue to run on the cluster indefinitely.";
  return "--force is ignored because --grace-period is not 0.";
}

nlohmann::json delete_options_body(const std::string& uid, std::optional<std::int64_t> grace) {
  nlohmann::json body = {{"apiVersion", "v1"},
                         {"kind", "DeleteOptions"},
                         {"preconditions", {{"uid", uid}}}};
  if (grace) body["gracePeriodSeconds"] = *grace;
  return body;
}

Result<DeleteOutcome> DeleteOps::run(const DeleteRequest& request) {
  const PodRef& pod = request.pod;
  const DeleteOptions& options = request.options;
  if (pod.name.empty()) return fail_field("pod", "is required");
  if (options.grace_period_seconds && *options.grace_period_seconds < 0)
    return fail_field("grace_period_seconds", "must be 0 or more");
  if (options.timeout.count() < 0) return fail_field("timeout", "must not be negative");
  auto client_result = services_.client();
  if (!client_result) return fail(client_result.error());
  Client& client = **client_result;
  std::string namespace_ = pod.namespace_;
  if (namespace_.empty()) {
    auto ns = services_.default_namespace();
    if (!ns) return fail(ns.error());
    namespace_ = *ns;
  }
  if (auto valid = check_pod_names(namespace_, pod.name); !valid) return fail(valid.error());
  const auto started = std::chrono::steady_clock::now();
  const std::string display = namespace_ + "/" + pod.name;
  const ApiPath path = pod_path(namespace_, pod.name);

  auto current = get_json(client, path, options.cancel, pod_permission("get", namespace_, pod.name));
  if (!current) {
    Error error = current.error();
    if (error.kind == ErrorKind::NotFound)
      error.message = fmt::format("pod \"{}\" not found in namespace \"{}\"", pod.name, namespace_);
    return fail(explain_not_found(client, std::move(error), namespace_, options.cancel));
  }
  DeleteOutcome outcome;
  outcome.pod = display;
  outcome.uid = current->value("/metadata/uid"_json_pointer, std::string{});

  const auto grace = effective_grace_period(options.grace_period_seconds, options.force);
  auto deleted = send_json(client, "DELETE", path, delete_options_body(outcome.uid, grace),
                           "application/json", options.cancel,
                           pod_permission("delete", namespace_, pod.name));
  if (!deleted) {
    Error error = deleted.error();
    if (error.kind == ErrorKind::NotFound) {
      outcome.gone = true;  // it went away between the read and the delete: nothing left to do
      return outcome;
    }
    if (error.kind == ErrorKind::Conflict) {
      error.message = fmt::format(
          "pod {} was replaced by a new pod with the same name before it could be deleted "
          "(UID {} is gone); the new pod was left alone",
          display, outcome.uid);
      error.hint = "run the command again to delete the new pod";
    }
    return fail(std::move(error));
  }
  report(options.progress, "deleted", fmt::format("pod {} deleted", display),
         {{"pod", display}, {"uid", outcome.uid}});
  if (!options.wait) return outcome;

  WatchTarget target;
  target.collection_path = pods_path(namespace_);
  target.field_selector = "metadata.name=" + pod.name;
  target.permission = pod_permission("list", namespace_, "");
  WatchLimits limits;
  if (options.timeout.count() > 0) limits.deadline = started + options.timeout;
  auto on_change = [&](const std::set<std::string>& remaining) {
    if (!remaining.empty())
      report(options.progress, "waiting", fmt::format("waiting for pod {} to be gone", display),
             {{"pod", display}, {"uid", outcome.uid}});
  };
  auto waited = wait_until_gone(client, target, {outcome.uid}, on_change, limits, options.cancel);
  if (!waited) {
    Error error = waited.error();
    if (error.kind == ErrorKind::Timeout) {
      error.message = fmt::format("pod {} still exists after {} (it is terminating)", display,
                                  format_duration(options.timeout));
      error.hint = "its containers may need longer to stop; wait longer with --timeout, or "
                   "check finalizers with `kubectl get pod -o yaml`";
    }
    return fail(std::move(error));
  }
  outcome.gone = true;
  report(options.progress, "gone", fmt::format("pod {} is gone", display),
         {{"pod", display}, {"uid", outcome.uid}});
  return outcome;
}

}  // namespace orka::podsdelete
