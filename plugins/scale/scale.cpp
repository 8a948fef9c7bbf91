#include "scale.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "orka/duration.hpp"
#include "orka/missing_namespace.hpp"
#include "orka/object_names.hpp"
#include "orka/watch.hpp"

namespace orka::scale {

namespace {

constexpr int kConflictRetries = 5;

struct Target {
  ApiResource resource;
  std::string namespace_;
  std::string name;
  std::string display;
  ApiPath object_path;
};

Permission permission_for(const Target& target, const char* verb, const char* subresource) {
  Permission p;
  p.verb = verb;
  p.group = target.resource.group;
  p.resource = target.resource.resource;
  p.subresource = subresource;
  p.namespace_ = target.resource.namespaced ? target.namespace_ : "";
  p.name = target.name;
  return p;
}

Error not_found(const Target& target) {
  Error e = make_error(ErrorKind::NotFound,
                       target.resource.namespaced
                           ? fmt::format("{} not found in namespace \"{}\"", target.display,
                                         target.namespace_)
                           : fmt::format("{} not found", target.display));
  e.http_status = 404;
  return e;
}

Error with_not_found(Error error, const Target& target) {
  if (error.kind == ErrorKind::NotFound) return not_found(target);
  return error;
}

std::optional<std::int32_t> replicas_at(const nlohmann::json& object, const char* pointer) {
  const nlohmann::json::json_pointer ptr(pointer);
  if (!object.contains(ptr) || !object[ptr].is_number_integer()) return std::nullopt;
  return object[ptr].get<std::int32_t>();
}

std::int64_t int_at(const nlohmann::json& object, const char* pointer, std::int64_t fallback) {
  const nlohmann::json::json_pointer ptr(pointer);
  if (!object.contains(ptr) || !object[ptr].is_number_integer()) return fallback;
  return object[ptr].get<std::int64_t>();
}

Error precondition_failed(const Target& target, std::int32_t expected, std::int32_t actual) {
  return make_error(ErrorKind::Refused,
                    fmt::format("{} has {} replicas, not {} as --current-replicas requires; "
                                "nothing was changed",
                                target.display, actual, expected),
                    "check the current count and run again with the right --current-replicas");
}

// Subresource mode with the --current-replicas precondition: read-check-write, retried when
// another writer got in between (Conflict on the resourceVersion).
Result<ScaleOutcome> scale_with_precondition(Client& client, const Target& target,
                                             std::int32_t replicas, std::int32_t expected,
                                             const CancelToken& cancel) {
  const ApiPath path = ApiPath(target.object_path).segment("scale");
  for (int attempt = 1;; ++attempt) {
    auto scale = get_json(client, path, cancel, permission_for(target, "get", "scale"));
    if (!scale) return fail(with_not_found(scale.error(), target));
    const std::int32_t current = replicas_at(*scale, "/spec/replicas").value_or(0);
    if (current != expected) return fail(precondition_failed(target, expected, current));
    nlohmann::json body = *scale;
    body["spec"]["replicas"] = replicas;
    auto written = send_json(client, "PUT", path, body, "application/json", cancel,
                             permission_for(target, "update", "scale"));
    if (written) return ScaleOutcome{target.display, current, replicas};
    if (written.error().kind != ErrorKind::Conflict || attempt >= kConflictRetries)
      return fail(with_not_found(written.error(), target));
  }
}

Result<ScaleOutcome> scale_subresource(Client& client, const Target& target,
                                       std::int32_t replicas, const ScaleOptions& options) {
  if (!target.resource.has_subresource("scale"))
    return fail(ErrorKind::Refused,
                fmt::format("{} has no scale subresource", target.resource.resource +
                                                               (target.resource.group.empty()
                                                                    ? ""
                                                                    : "." + target.resource.group)),
                "use --mode apply to set spec.replicas with server-side apply");
  if (options.current_replicas)
    return scale_with_precondition(client, target, replicas, *options.current_replicas,
                                   options.cancel);
  const ApiPath path = ApiPath(target.object_path).segment("scale");
  ScaleOutcome outcome{target.display, std::nullopt, replicas};
  // The count before, for the report; a user allowed to patch but not read still gets scaled.
  auto before = get_json(client, path, options.cancel, permission_for(target, "get", "scale"));
  if (before) {
    outcome.previous_replicas = replicas_at(*before, "/spec/replicas");
  } else if (before.error().kind != ErrorKind::Forbidden) {
    return fail(with_not_found(before.error(), target));
  }
  nlohmann::json patch = {{"spec", {{"replicas", replicas}}}};
  auto patched = send_json(client, "PATCH", path, patch, "application/merge-patch+json",
                           options.cancel, permission_for(target, "patch", "scale"));
  if (!patched) return fail(with_not_found(patched.error(), target));
  return outcome;
}

Error apply_conflict(Error error, const Target& target) {
  const std::string manager = conflicting_manager(error.message);
  const std::string server_message = error.message;
  error.message = manager.empty()
                      ? fmt::format("spec.replicas of {} is owned by another field manager ({})",
                                    target.display, server_message)
                      : fmt::format("spec.replicas of {} is owned by field manager \"{}\"",
                                    target.display, manager);
  error.hint = fmt::format(
      "pass --force-conflicts to make \"{}\" the owner (the previous owner, e.g. an autoscaler or "
      "a GitOps tool, may set it back), or scale through that owner",
      kFieldManager);
  return error;
}

Result<ScaleOutcome> scale_apply(Client& client, const Target& target, std::int32_t replicas,
                                 const ScaleOptions& options) {
  ScaleOutcome outcome{target.display, std::nullopt, replicas};
  ApiPath apply_path = ApiPath(target.object_path).query("fieldManager", kFieldManager);
  if (options.force_conflicts) apply_path.query("force", "true");
  for (int attempt = 1;; ++attempt) {
    std::string resource_version;
    auto current = get_json(client, target.object_path, options.cancel,
                            permission_for(target, "get", ""));
    if (current) {
      outcome.previous_replicas = replicas_at(*current, "/spec/replicas");
      if (options.current_replicas) {
        const std::int32_t actual = outcome.previous_replicas.value_or(1);
        if (actual != *options.current_replicas)
          return fail(precondition_failed(target, *options.current_replicas, actual));
        resource_version = current->value("/metadata/resourceVersion"_json_pointer, "");
      }
    } else if (options.current_replicas || current.error().kind != ErrorKind::Forbidden) {
      return fail(with_not_found(current.error(), target));
    }
    auto body = apply_body(target.resource, target.namespace_, target.name, replicas,
                           resource_version);
    auto applied = send_json(client, "PATCH", apply_path, body,
                             "application/apply-patch+yaml", options.cancel,
                             permission_for(target, "patch", ""));
    if (applied) return outcome;
    Error error = applied.error();
    if (error.kind != ErrorKind::Conflict) return fail(with_not_found(std::move(error), target));
    // Two kinds of 409: another field manager owns spec.replicas (apply conflict), or the
    // resourceVersion precondition lost a race (retry, re-checking --current-replicas).
    if (!conflicting_manager(error.message).empty() ||
        error.message.find("Apply failed") != std::string::npos)
      return fail(apply_conflict(std::move(error), target));
    if (resource_version.empty() || attempt >= kConflictRetries) return fail(std::move(error));
  }
}

Result<void> wait_for_replicas(Client& client, const Target& target, std::int32_t replicas,
                               const ScaleOptions& options,
                               std::chrono::steady_clock::time_point started) {
  WatchTarget watch;
  watch.collection_path = target.resource.collection_path(target.namespace_);
  watch.field_selector = "metadata.name=" + target.name;
  watch.permission = permission_for(target, "list", "");
  watch.permission->name.clear();
  WatchLimits limits;
  if (options.timeout.count() > 0) limits.deadline = started + options.timeout;
  std::string last_message;
  auto handler = [&](const WatchEvent& event) -> Result<WatchAction> {
    nlohmann::json object;
    if (event.type == WatchEvent::Type::Listed) {
      if (event.object.empty()) return fail(not_found(target));
      object = event.object.front();
    } else if (event.type == WatchEvent::Type::Deleted) {
      return fail(ErrorKind::NotFound, target.display + " was deleted while waiting for it");
    } else {
      object = event.object;
    }
    auto progress = scale_progress(object, replicas, target.display, ready_rule(target.resource));
    last_message = progress.message;
    if (progress.state == ScaleProgress::State::Failed)
      return fail(ErrorKind::Conflict, progress.message,
                  "find out who else sets the replica count (an autoscaler?) before scaling again");
    if (options.progress)
      options.progress(ProgressEvent{
          progress.state == ScaleProgress::State::Done ? "done" : "waiting", progress.message,
          {{"resource", target.display},
           {"replicas", int_at(object, "/status/replicas", 0)},
           {"ready", int_at(object, "/status/readyReplicas", 0)},
           {"available", int_at(object, "/status/availableReplicas", 0)},
           {"requested", replicas}}});
    return progress.state == ScaleProgress::State::Done ? WatchAction::Stop : WatchAction::Continue;
  };
  auto waited = list_and_watch(client, watch, handler, limits, options.cancel);
  if (!waited && waited.error().kind == ErrorKind::Timeout) {
    return fail(ErrorKind::Timeout,
                fmt::format("{} did not have {} ready replicas within {}: {}", target.display, replicas,
                            format_duration(options.timeout), last_message),
                "check its events (`kubectl describe`) for pods that cannot be scheduled or "
                "started");
  }
  return waited;
}

}  // namespace

std::string display_name(const ApiResource& resource, const std::string& name) {
  std::string type = resource.resource;
  if (!resource.group.empty()) type += "." + resource.group;
  return type + "/" + name;
}

nlohmann::json apply_body(const ApiResource& resource, const std::string& namespace_,
                          const std::string& name, std::int32_t replicas,
                          const std::string& resource_version) {
  nlohmann::json metadata = {{"name", name}};
  if (resource.namespaced) metadata["namespace"] = namespace_;
  if (!resource_version.empty()) metadata["resourceVersion"] = resource_version;
  return {{"apiVersion", resource.group_version()},
          {"kind", resource.kind},
          {"metadata", std::move(metadata)},
          {"spec", {{"replicas", replicas}}}};
}

ReadyRule ready_rule(const ApiResource& resource) {
  const bool apps = resource.group == "apps" || resource.group == "extensions";
  if (apps && resource.resource == "deployments") return ReadyRule::UpdatedAndAvailable;
  if ((apps && resource.resource == "replicasets") ||
      (resource.group.empty() && resource.resource == "replicationcontrollers"))
    return ReadyRule::ReadyAndAvailable;
  if (apps && resource.resource == "statefulsets") return ReadyRule::Ready;
  return ReadyRule::PresentOnly;
}

ScaleProgress scale_progress(const nlohmann::json& object, std::int32_t requested,
                             const std::string& display, ReadyRule rule) {
  const auto spec = replicas_at(object, "/spec/replicas").value_or(1);
  // The API omits counts that are zero.
  const auto present = int_at(object, "/status/replicas", 0);
  const auto ready = int_at(object, "/status/readyReplicas", 0);
  const auto available = int_at(object, "/status/availableReplicas", 0);
  const auto updated = int_at(object, "/status/updatedReplicas", 0);
  if (spec != requested)
    return {ScaleProgress::State::Failed,
            fmt::format("spec.replicas of {} changed to {} while waiting for {}", display, spec,
                        requested)};
  const auto generation = int_at(object, "/metadata/generation", 0);
  const auto observed = int_at(object, "/status/observedGeneration", -1);
  if (observed >= 0 && generation > observed)
    return {ScaleProgress::State::Waiting,
            fmt::format("waiting for the controller of {} to observe the change (generation {}, "
                        "observed {})",
                        display, generation, observed)};
  // Pods on their way out still count in status.replicas: a scale down is done when they are
  // gone, a scale up when the new ones are ready (per kind, as `kubectl rollout status` judges).
  bool done = present == requested;
  std::string counts;   // what is waited for
  std::string details;  // the other counts, while waiting
  switch (rule) {
    case ReadyRule::UpdatedAndAvailable:
      done = done && updated == requested && available == requested;
      counts = fmt::format("{} of {} updated and available", std::min(updated, available),
                           requested);
      details = fmt::format("{} present, {} ready", present, ready);
      break;
    case ReadyRule::ReadyAndAvailable:
      done = done && ready == requested && available == requested;
      counts = fmt::format("{} of {} ready and available", std::min(ready, available), requested);
      details = fmt::format("{} present", present);
      break;
    case ReadyRule::Ready:
      done = done && ready == requested;
      counts = fmt::format("{} of {} ready", ready, requested);
      details = fmt::format("{} present", present);
      break;
    case ReadyRule::PresentOnly:
      counts = fmt::format("{} of {} present; its status has no ready count", present, requested);
      break;
  }
  if (!done)
    return {ScaleProgress::State::Waiting,
            details.empty() ? fmt::format("waiting for {}: {}", display, counts)
                            : fmt::format("waiting for {}: {} ({})", display, counts, details)};
  return {ScaleProgress::State::Done, fmt::format("{}: {}", display, counts)};
}

std::string conflicting_manager(const std::string& message) {
  static constexpr std::string_view kMarker = "conflict with \"";
  auto start = message.find(kMarker);
  if (start == std::string::npos) return {};
  start += kMarker.size();
  auto end = message.find('"', start);
  if (end == std::string::npos) return {};
  return message.substr(start, end - start);
}

Result<void> validate_scale_request(const ScaleRequest& request) {
  if (request.target.type.empty() || request.target.name.empty())
    return fail_field("target", "must name what to scale as TYPE/NAME, e.g. deployment/web");
  if (request.replicas < 0) return fail_field("replicas", "must be 0 or more");
  const ScaleOptions& options = request.options;
  if (options.current_replicas && *options.current_replicas < 0)
    return fail_field("current_replicas", "must be 0 or more");
  if (options.force_conflicts && request.mode != ScaleMode::Apply)
    return fail_field("force_conflicts", "only applies with mode apply");
  if (options.timeout.count() < 0) return fail_field("timeout", "must not be negative");
  return {};
}

Result<ScaleOutcome> ScaleOps::run(const ScaleRequest& request) {
  if (auto valid = validate_scale_request(request); !valid) return fail(valid.error());
  const ObjectRef& ref = request.target;
  const std::int32_t replicas = request.replicas;
  const ScaleMode mode = request.mode;
  const ScaleOptions& options = request.options;
  const auto started = std::chrono::steady_clock::now();
  auto client_result = services_.client();
  if (!client_result) return fail(client_result.error());
  Client& client = **client_result;
  auto discovery = services_.discovery();
  if (!discovery) return fail(discovery.error());
  auto resource = (*discovery)->resolve(ref.type, options.cancel);
  if (!resource) return fail(resource.error());

  Target target;
  target.resource = *resource;
  target.name = ref.name;
  target.namespace_ = ref.namespace_;
  if (target.namespace_.empty() && target.resource.namespaced) {
    auto ns = services_.default_namespace();
    if (!ns) return fail(ns.error());
    target.namespace_ = *ns;
  }
  if (target.resource.namespaced)
    if (auto valid = check_namespace(target.namespace_); !valid) return fail(valid.error());
  if (auto valid = check_name(target.resource.singular.empty() ? target.resource.resource
                                                               : target.resource.singular,
                              target.name, name_rule_for(target.resource.resource));
      !valid)
    return fail(valid.error());
  target.display = display_name(target.resource, target.name);
  target.object_path = target.resource.object_path(target.namespace_, target.name);

  auto outcome = mode == ScaleMode::Apply ? scale_apply(client, target, replicas, options)
                                          : scale_subresource(client, target, replicas, options);
  if (!outcome)
    return fail(explain_not_found(client, outcome.error(),
                                  target.resource.namespaced ? target.namespace_ : "",
                                  options.cancel));
  if (!options.wait) return outcome;
  if (auto waited = wait_for_replicas(client, target, replicas, options, started); !waited)
    return fail(waited.error());
  return outcome;
}

}  // namespace orka::scale
