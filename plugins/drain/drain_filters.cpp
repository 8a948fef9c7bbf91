#include "drain_filters.hpp"

#include <algorithm>

#include "orka/json_fields.hpp"
#include "orka/timestamp.hpp"

namespace orka::drain {

namespace {

std::string string_at(const nlohmann::json& object, const char* pointer) {
  const nlohmann::json::json_pointer ptr(pointer);
  if (!object.contains(ptr) || !object[ptr].is_string()) return {};
  return object[ptr].get<std::string>();
}

const nlohmann::json* controller_of(const nlohmann::json& pod) {
  const nlohmann::json::json_pointer ptr("/metadata/ownerReferences");
  if (!pod.contains(ptr) || !pod[ptr].is_array()) return nullptr;
  for (const auto& owner : pod[ptr])
    if (json_bool(owner, "controller")) return &owner;
  return nullptr;
}

bool finished(const nlohmann::json& pod) {
  const std::string phase = string_at(pod, "/status/phase");
  return phase == "Succeeded" || phase == "Failed";
}

bool has_local_storage(const nlohmann::json& pod) {
  const nlohmann::json::json_pointer ptr("/spec/volumes");
  if (!pod.contains(ptr) || !pod[ptr].is_array()) return false;
  return std::any_of(pod[ptr].begin(), pod[ptr].end(), [](const nlohmann::json& volume) {
    return volume.is_object() && volume.contains("emptyDir");
  });
}

bool is_mirror(const nlohmann::json& pod) {
  const nlohmann::json::json_pointer ptr("/metadata/annotations");
  return pod.contains(ptr) && pod[ptr].is_object() &&
         pod[ptr].contains("kubernetes.io/config.mirror");
}

// Terminating for longer than --skip-wait-for-delete-timeout: nothing left to wait for.
bool terminating_too_long(const nlohmann::json& pod, const FilterFlags& flags) {
  if (!flags.skip_wait_for_delete_timeout_seconds || *flags.skip_wait_for_delete_timeout_seconds <= 0)
    return false;
  const std::string deletion = string_at(pod, "/metadata/deletionTimestamp");
  if (deletion.empty()) return false;
  auto since = parse_rfc3339(deletion);
  if (!since) return false;
  // In whole seconds on each side: a deletionTimestamp at system_clock's earliest second (any
  // time before 1678) overflowed the nanosecond difference (found by tests/fuzz/drain/drain_pods).
  const auto seconds_of = [](std::chrono::system_clock::time_point time) {
    return std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count();
  };
  const auto age = seconds_of(flags.now) - seconds_of(*since);
  return age > *flags.skip_wait_for_delete_timeout_seconds;
}

PodDecision evict(std::string warning = {}) {
  return {PodDecision::Verdict::Evict, {}, std::move(warning)};
}
PodDecision refuse(std::string reason) { return {PodDecision::Verdict::Refuse, std::move(reason), {}}; }

void add_to(std::vector<std::pair<std::string, std::vector<std::string>>>& groups,
            const std::string& reason, const std::string& pod) {
  for (auto& [existing, pods] : groups) {
    if (existing == reason) {
      pods.push_back(pod);
      return;
    }
  }
  groups.push_back({reason, {pod}});
}

}  // namespace

std::string pod_key(const nlohmann::json& pod) {
  return string_at(pod, "/metadata/namespace") + "/" + string_at(pod, "/metadata/name");
}

Result<PodDecision> classify(const nlohmann::json& pod, const FilterFlags& flags,
                             const DaemonSetExists& daemonset_exists) {
  if (terminating_too_long(pod, flags))
    return PodDecision{PodDecision::Verdict::Skip, kTerminatingSkip, {}};
  std::string warning;
  const nlohmann::json* controller = controller_of(pod);
  if (controller != nullptr && controller->value("kind", "") == "DaemonSet" && !finished(pod)) {
    auto exists = daemonset_exists(string_at(pod, "/metadata/namespace"),
                                   controller->value("name", ""));
    if (!exists) return fail(exists.error());
    if (!*exists) {
      if (!flags.force) return refuse(kOrphanedDaemonSetRefusal);
      warning = kOrphanedDaemonSetWarning;
    } else if (!flags.ignore_daemonsets) {
      return refuse(kDaemonSetRefusal);
    } else {
      return PodDecision{PodDecision::Verdict::Skip, kDaemonSetSkip, kDaemonSetWarning};
    }
  }
  if (is_mirror(pod)) return PodDecision{PodDecision::Verdict::Skip, kMirrorSkip, {}};
  if (has_local_storage(pod) && !finished(pod)) {
    if (!flags.delete_emptydir_data) return refuse(kLocalStorageRefusal);
    if (warning.empty()) warning = kLocalStorageWarning;
  }
  if (controller == nullptr && !finished(pod)) {
    if (!flags.force) return refuse(kUnmanagedRefusal);
    if (warning.empty()) warning = kUnmanagedWarning;
  }
  return evict(std::move(warning));
}

PodDecision classify_pod(const nlohmann::json& pod, const FilterFlags& flags,
                         const DaemonSetExists& daemonset_exists) {
  auto decision = classify(pod, flags, daemonset_exists);
  if (!decision) return refuse(decision.error().message);
  return *decision;
}

Result<DrainPlan> plan_drain(const std::vector<nlohmann::json>& pods, const FilterFlags& flags,
                             const DaemonSetExists& daemonset_exists) {
  DrainPlan plan;
  for (const auto& pod : pods) {
    auto decision = classify(pod, flags, daemonset_exists);
    if (!decision) return fail(decision.error());
    const std::string key = pod_key(pod);
    switch (decision->verdict) {
      case PodDecision::Verdict::Evict: plan.to_evict.push_back(pod); break;
      case PodDecision::Verdict::Skip: plan.skipped.push_back(key + ": " + decision->reason); break;
      case PodDecision::Verdict::Refuse: add_to(plan.refusals, decision->reason, key); break;
    }
    if (!decision->warning.empty()) add_to(plan.warnings, decision->warning, key);
  }
  return plan;
}

std::string describe_refusals(const DrainPlan& plan) {
  std::string text;
  for (const auto& [reason, pods] : plan.refusals) {
    if (!text.empty()) text += '\n';
    text += "cannot delete " + reason + ": ";
    for (std::size_t i = 0; i < pods.size(); ++i) text += (i ? ", " : "") + pods[i];
  }
  return text;
}

bool selector_matches(const nlohmann::json& selector, const nlohmann::json& labels) {
  if (!selector.is_object()) return false;
  auto label = [&](const std::string& key) -> std::optional<std::string> {
    if (!labels.is_object()) return std::nullopt;
    auto it = labels.find(key);
    if (it == labels.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (auto match = selector.find("matchLabels"); match != selector.end() && match->is_object()) {
    for (const auto& [key, value] : match->items())
      if (!value.is_string() || label(key) != value.get<std::string>()) return false;
  }
  if (auto exprs = selector.find("matchExpressions"); exprs != selector.end() && exprs->is_array()) {
    for (const auto& expr : *exprs) {
      const std::string key = json_string(expr, "key");
      const std::string op = json_string(expr, "operator");
      std::vector<std::string> values;
      if (auto v = expr.find("values"); v != expr.end() && v->is_array())
        for (const auto& item : *v)
          if (item.is_string()) values.push_back(item.get<std::string>());
      const auto actual = label(key);
      const bool in_values =
          actual && std::find(values.begin(), values.end(), *actual) != values.end();
      if (op == "In" && !in_values) return false;
      if (op == "NotIn" && in_values) return false;
      if (op == "Exists" && !actual) return false;
      if (op == "DoesNotExist" && actual) return false;
      if (op != "In" && op != "NotIn" && op != "Exists" && op != "DoesNotExist") return false;
    }
  }
  return true;
}

}  // namespace orka::drain
