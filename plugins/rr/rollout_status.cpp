// kubectl's rollout-status rules (polymorphichelpers' status viewers), as pure functions.
#include <fmt/format.h>

#include "rr.hpp"
#include "orka/json_fields.hpp"

namespace orka::rr {

namespace {

std::int64_t int_at(const nlohmann::json& object, const char* pointer, std::int64_t fallback) {
  const nlohmann::json::json_pointer ptr(pointer);
  if (!object.contains(ptr) || !object[ptr].is_number_integer()) return fallback;
  return object[ptr].get<std::int64_t>();
}

std::string string_at(const nlohmann::json& object, const char* pointer) {
  const nlohmann::json::json_pointer ptr(pointer);
  if (!object.contains(ptr) || !object[ptr].is_string()) return {};
  return object[ptr].get<std::string>();
}

std::string name_of(const nlohmann::json& object) { return string_at(object, "/metadata/name"); }

bool rolling_update(const nlohmann::json& object) {
  const std::string type = string_at(object, "/spec/updateStrategy/type");
  return type.empty() || type == "RollingUpdate";  // the API defaults it to RollingUpdate
}

RolloutStatus waiting(std::string message) {
  return {RolloutStatus::State::Waiting, std::move(message)};
}
RolloutStatus done(std::string message) { return {RolloutStatus::State::Done, std::move(message)}; }
RolloutStatus failed(std::string message) {
  return {RolloutStatus::State::Failed, std::move(message)};
}

RolloutStatus deployment_status(const nlohmann::json& d) {
  const std::string name = name_of(d);
  if (int_at(d, "/metadata/generation", 0) > int_at(d, "/status/observedGeneration", 0))
    return waiting("Waiting for deployment spec update to be observed...");
  if (auto conditions = d.find("status"); conditions != d.end() && conditions->is_object()) {
    if (auto list = conditions->find("conditions"); list != conditions->end() && list->is_array()) {
      for (const auto& condition : *list) {
        if (json_string(condition, "type") == "Progressing" &&
            json_string(condition, "reason") == "ProgressDeadlineExceeded")
          return failed(fmt::format("deployment \"{}\" exceeded its progress deadline", name));
      }
    }
  }
  const auto spec_replicas = int_at(d, "/spec/replicas", 1);
  const auto replicas = int_at(d, "/status/replicas", 0);
  const auto updated = int_at(d, "/status/updatedReplicas", 0);
  const auto available = int_at(d, "/status/availableReplicas", 0);
  if (updated < spec_replicas)
    return waiting(fmt::format(
        "Waiting for deployment \"{}\" rollout to finish: {} out of {} new replicas have been "
        "updated...",
        name, updated, spec_replicas));
  if (replicas > updated)
    return waiting(fmt::format(
        "Waiting for deployment \"{}\" rollout to finish: {} old replicas are pending "
        "termination...",
        name, replicas - updated));
  if (available < updated)
    return waiting(fmt::format(
        "Waiting for deployment \"{}\" rollout to finish: {} of {} updated replicas are "
        "available...",
        name, available, updated));
  return done(fmt::format("deployment \"{}\" successfully rolled out", name));
}

RolloutStatus daemonset_status(const nlohmann::json& ds) {
  const std::string name = name_of(ds);
  if (!rolling_update(ds))
    return failed(fmt::format(
        "daemon set \"{}\": rollout status is only available for the RollingUpdate strategy "
        "type (its pods restart only when deleted)",
        name));
  if (int_at(ds, "/metadata/generation", 0) > int_at(ds, "/status/observedGeneration", 0))
    return waiting("Waiting for daemon set spec update to be observed...");
  const auto desired = int_at(ds, "/status/desiredNumberScheduled", 0);
  const auto updated = int_at(ds, "/status/updatedNumberScheduled", 0);
  const auto available = int_at(ds, "/status/numberAvailable", 0);
  if (updated < desired)
    return waiting(fmt::format(
        "Waiting for daemon set \"{}\" rollout to finish: {} out of {} new pods have been "
        "updated...",
        name, updated, desired));
  if (available < desired)
    return waiting(fmt::format(
        "Waiting for daemon set \"{}\" rollout to finish: {} of {} updated pods are available...",
        name, available, desired));
  return done(fmt::format("daemon set \"{}\" successfully rolled out", name));
}

RolloutStatus statefulset_status(const nlohmann::json& sts) {
  const std::string name = name_of(sts);
  if (!rolling_update(sts))
    return failed(fmt::format(
        "statefulset \"{}\": rollout status is only available for the RollingUpdate strategy "
        "type (its pods restart only when deleted)",
        name));
  const auto observed = int_at(sts, "/status/observedGeneration", 0);
  if (observed == 0 || int_at(sts, "/metadata/generation", 0) > observed)
    return waiting("Waiting for statefulset spec update to be observed...");
  const auto spec_replicas = int_at(sts, "/spec/replicas", 1);
  const auto ready = int_at(sts, "/status/readyReplicas", 0);
  const auto updated = int_at(sts, "/status/updatedReplicas", 0);
  if (ready < spec_replicas)
    return waiting(fmt::format("Waiting for {} pods to be ready...", spec_replicas - ready));
  const nlohmann::json::json_pointer rolling("/spec/updateStrategy/rollingUpdate");
  if (sts.contains(rolling) && sts[rolling].is_object()) {
    const auto partition = int_at(sts, "/spec/updateStrategy/rollingUpdate/partition", 0);
    if (updated < spec_replicas - partition)
      return waiting(fmt::format(
          "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...",
          updated, spec_replicas - partition));
    return done(fmt::format("partitioned roll out complete: {} new pods have been updated...",
                            updated));
  }
  const std::string update_revision = string_at(sts, "/status/updateRevision");
  if (update_revision != string_at(sts, "/status/currentRevision"))
    return waiting(fmt::format(
        "waiting for statefulset rolling update to complete {} pods at revision {}...", updated,
        update_revision));
  return done(fmt::format("statefulset rolling update complete {} pods at revision {}...",
                          int_at(sts, "/status/currentReplicas", 0),
                          string_at(sts, "/status/currentRevision")));
}

}  // namespace

RolloutStatus rollout_status(const std::string& kind, const nlohmann::json& object) {
  if (kind == "Deployment") return deployment_status(object);
  if (kind == "DaemonSet") return daemonset_status(object);
  if (kind == "StatefulSet") return statefulset_status(object);
  return failed("no rollout status for kind " + kind);
}

nlohmann::json restart_patch(const std::string& restarted_at) {
  return {{"spec",
           {{"template",
             {{"metadata", {{"annotations", {{kRestartedAtAnnotation, restarted_at}}}}}}}}}};
}

}  // namespace orka::rr
