#include "preflight.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "orka/json_fields.hpp"

namespace orka::drain {

namespace {

// The flag a refusal asks for, set on `flags`; false when the refusal names no flag (a failed
// DaemonSet lookup), so the preview stops asking.
bool grant(const std::string& refusal, FilterFlags& flags) {
  if (refusal == kDaemonSetRefusal && !flags.ignore_daemonsets) {
    flags.ignore_daemonsets = true;
    return true;
  }
  if (refusal == kLocalStorageRefusal && !flags.delete_emptydir_data) {
    flags.delete_emptydir_data = true;
    return true;
  }
  if ((refusal == kUnmanagedRefusal || refusal == kOrphanedDaemonSetRefusal) && !flags.force) {
    flags.force = true;
    return true;
  }
  return false;
}

PodAction action_of(const PodDecision& decision, bool evicting) {
  switch (decision.verdict) {
    case PodDecision::Verdict::Evict: return evicting ? PodAction::Evict : PodAction::Delete;
    case PodDecision::Verdict::Refuse: return PodAction::Refuse;
    case PodDecision::Verdict::Skip: break;
  }
  if (decision.reason == kDaemonSetSkip) return PodAction::SkipDaemonSet;
  if (decision.reason == kMirrorSkip) return PodAction::SkipMirror;
  return PodAction::SkipTerminating;
}

std::string metadata_string(const nlohmann::json& object, std::string_view key) {
  return json_string(json_object(object, "metadata"), key);
}

bool is_ready(const nlohmann::json& pod) {
  const auto& conditions = json_array(json_object(pod, "status"), "conditions");
  return std::any_of(conditions.begin(), conditions.end(), [](const nlohmann::json& condition) {
    return json_string(condition, "type") == "Ready" && json_string(condition, "status") == "True";
  });
}

// The eviction subresource evicts these without consulting any budget.
bool budget_does_not_apply(const nlohmann::json& pod) {
  const std::string phase = json_string(json_object(pod, "status"), "phase");
  return phase == "Pending" || phase == "Succeeded" || phase == "Failed" ||
         !metadata_string(pod, "deletionTimestamp").empty();
}

bool selects(const nlohmann::json& budget, const nlohmann::json& pod,
             bool empty_selector_selects_all) {
  if (metadata_string(budget, "namespace") != metadata_string(pod, "namespace")) return false;
  const nlohmann::json* selector = json_member(json_object(budget, "spec"), "selector");
  if (selector == nullptr || !selector->is_object()) return false;
  if (!empty_selector_selects_all && selector->empty()) return false;
  return selector_matches(*selector, json_object(json_object(pod, "metadata"), "labels"));
}

std::string budget_key(const nlohmann::json& budget) {
  return metadata_string(budget, "namespace") + "/" + metadata_string(budget, "name");
}

}  // namespace

const char* action_name(PodAction action) {
  switch (action) {
    case PodAction::Evict: return "evict";
    case PodAction::Delete: return "delete";
    case PodAction::SkipDaemonSet: return "skip-daemonset";
    case PodAction::SkipMirror: return "skip-mirror";
    case PodAction::SkipTerminating: return "skip-terminating";
    case PodAction::Refuse: return "refuse";
  }
  return "refuse";
}

std::string flag_for_refusal(const std::string& refusal) {
  if (refusal == kDaemonSetRefusal) return "--ignore-daemonsets";
  if (refusal == kLocalStorageRefusal) return "--delete-emptydir-data";
  if (refusal == kUnmanagedRefusal || refusal == kOrphanedDaemonSetRefusal) return "--force";
  return {};
}

Result<std::vector<PodPreview>> preview_pods(const std::vector<nlohmann::json>& pods,
                                             const FilterFlags& flags,
                                             const DaemonSetExists& daemonset_exists,
                                             bool evicting) {
  std::vector<PodPreview> previews;
  previews.reserve(pods.size());
  for (const auto& pod : pods) {
    PodPreview preview;
    preview.pod = pod;
    preview.key = pod_key(pod);
    auto decision = classify(pod, flags, daemonset_exists);
    if (!decision) return fail(decision.error());
    preview.action = action_of(*decision, evicting);
    // The filters stop at the first refusal; granting its flag and asking again finds the next,
    // until the pod would go (or a refusal names no flag).
    FilterFlags granted = flags;
    while (decision->verdict == PodDecision::Verdict::Refuse) {
      preview.refusals.push_back(decision->reason);
      if (!grant(decision->reason, granted)) break;
      decision = classify(pod, granted, daemonset_exists);
      if (!decision) return fail(decision.error());
    }
    preview.with_flags = action_of(*decision, evicting);
    previews.push_back(std::move(preview));
  }
  return previews;
}

std::pair<std::string, nlohmann::json> describe_preview(const PodPreview& preview,
                                                       const std::string& deleting_why) {
  nlohmann::json data = {{"pod", preview.key}, {"action", action_name(preview.action)}};
  std::string what;
  switch (preview.action) {
    case PodAction::Evict: what = "would be evicted"; break;
    case PodAction::Delete: what = "would be deleted (" + deleting_why + ")"; break;
    case PodAction::SkipDaemonSet: what = "skipped: DaemonSet-managed"; break;
    case PodAction::SkipMirror: what = "skipped: mirror pod (the kubelet runs it)"; break;
    case PodAction::SkipTerminating: what = std::string("skipped: ") + kTerminatingSkip; break;
    case PodAction::Refuse: {
      std::vector<std::string> needed;
      for (const auto& reason : preview.refusals) {
        const std::string flag = flag_for_refusal(reason);
        needed.push_back(flag.empty() ? reason : flag);
      }
      what = fmt::format("refused: needs {}", fmt::join(needed, ", "));
      if (preview.with_flags != PodAction::Refuse)
        what += fmt::format(" (then: {})", action_name(preview.with_flags));
      data["needs"] = needed;
      data["then"] = action_name(preview.with_flags);
      break;
    }
  }
  return {fmt::format("pod {}: {}", preview.key, what), std::move(data)};
}

std::vector<std::pair<std::string, std::vector<std::string>>> group_refusals(
    const std::vector<PodPreview>& previews) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& preview : previews) {
    for (const auto& reason : preview.refusals) {
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& entry) { return entry.first == reason; });
      if (group == groups.end()) group = groups.insert(groups.end(), {reason, {}});
      group->second.push_back(preview.key);
    }
  }
  return groups;
}

BudgetCheck check_budgets(const std::vector<nlohmann::json>& pods_to_evict,
                          const std::vector<nlohmann::json>& budgets,
                          bool empty_selector_selects_all) {
  BudgetCheck check;
  std::vector<std::vector<std::string>> held(budgets.size());
  for (const auto& pod : pods_to_evict) {
    if (budget_does_not_apply(pod)) continue;
    std::vector<std::size_t> selecting;
    for (std::size_t i = 0; i < budgets.size(); ++i)
      if (selects(budgets[i], pod, empty_selector_selects_all)) selecting.push_back(i);
    if (selecting.empty()) continue;
    if (selecting.size() > 1) {
      OverlappingBudgets overlap{pod_key(pod), {}};
      for (std::size_t i : selecting) overlap.budgets.push_back(budget_key(budgets[i]));
      check.overlapping.push_back(std::move(overlap));
      continue;
    }
    const nlohmann::json& status = json_object(budgets[selecting.front()], "status");
    const std::int64_t current = json_integer(status, "currentHealthy", 0);
    const std::int64_t desired = json_integer(status, "desiredHealthy", 0);
    // An unready pod does not count as healthy, so evicting it costs the budget nothing.
    if (!is_ready(pod) && current >= desired && desired > 0) continue;
    if (json_integer(status, "disruptionsAllowed", 0) > 0) continue;
    held[selecting.front()].push_back(pod_key(pod));
  }
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    if (held[i].empty()) continue;
    const nlohmann::json& status = json_object(budgets[i], "status");
    BudgetBlocker blocker;
    blocker.namespace_ = metadata_string(budgets[i], "namespace");
    blocker.name = metadata_string(budgets[i], "name");
    blocker.disruptions_allowed = json_integer(status, "disruptionsAllowed", 0);
    blocker.current_healthy = json_integer(status, "currentHealthy", 0);
    blocker.desired_healthy = json_integer(status, "desiredHealthy", 0);
    blocker.expected_pods = json_integer(status, "expectedPods", 0);
    blocker.pods = std::move(held[i]);
    check.blockers.push_back(std::move(blocker));
  }
  return check;
}

std::string describe_budget_blocker(const BudgetBlocker& blocker) {
  return fmt::format(
      "PodDisruptionBudget {}/{} allows {} disruptions (currentHealthy {}, desiredHealthy {}, "
      "expectedPods {}): holds {}",
      blocker.namespace_, blocker.name, blocker.disruptions_allowed, blocker.current_healthy,
      blocker.desired_healthy, blocker.expected_pods, fmt::join(blocker.pods, ", "));
}

std::string describe_overlapping(const OverlappingBudgets& overlap) {
  return fmt::format(
      "pod {} is selected by {} PodDisruptionBudgets ({}): the eviction subresource refuses "
      "to evict a pod more than one budget selects",
      overlap.pod, overlap.budgets.size(), fmt::join(overlap.budgets, ", "));
}

Error preflight_refusal(const std::string& node, std::size_t refused_pods,
                        const std::vector<std::string>& flags_needed,
                        const std::vector<std::string>& blocking_budgets) {
  std::vector<std::string> blockers;
  std::vector<std::string> todo;
  if (refused_pods > 0) {
    blockers.push_back(fmt::format("{} {} ({})", refused_pods,
                                   refused_pods == 1 ? "pod needs a flag" : "pods need flags",
                                   fmt::join(flags_needed, ", ")));
    todo.push_back(fmt::format("add {}", fmt::join(flags_needed, " ")));
  }
  if (!blocking_budgets.empty()) {
    const bool one = blocking_budgets.size() == 1;
    blockers.push_back(fmt::format("{} {} ({})", blocking_budgets.size(),
                                   one ? "PodDisruptionBudget blocks evictions"
                                       : "PodDisruptionBudgets block evictions",
                                   fmt::join(blocking_budgets, ", ")));
    const std::string& first = blocking_budgets.front();
    const auto slash = first.find('/');
    todo.push_back(fmt::format(
        "look at PodDisruptionBudget {}{}: wait until more of its pods are healthy, add replicas "
        "elsewhere, or relax it (`kubectl -n {} get pdb {} -o yaml`)",
        first, one ? "" : " (and the others named above)", first.substr(0, slash),
        first.substr(slash + 1)));
  }
  Error error = make_error(
      ErrorKind::Refused,
      fmt::format("dry run: the drain of node \"{}\" would not go through: {}; nothing was changed",
                  node, fmt::join(blockers, "; ")));
  error.hint = fmt::format("{}", fmt::join(todo, "; "));
  return error;
}

}  // namespace orka::drain
