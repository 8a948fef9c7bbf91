// The drain pre-flight (`orka ops drain NODE --dry-run`), as pure functions over what the API
// server listed: what would happen to every pod on the node, and every blocker that would stop
// the real drain — pods that need a flag (decided by drain_filters' rules, one copy of each)
// and PodDisruptionBudgets that allow no disruption of a pod the drain would evict.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "drain_filters.hpp"
#include "orka/error.hpp"

namespace orka::drain {

// What the drain would do to one pod.
enum class PodAction {
  Evict,          // through the eviction subresource
  Delete,         // deleted: --disable-eviction, or the cluster offers no eviction
  SkipDaemonSet,  // --ignore-daemonsets leaves it in place
  SkipMirror,     // a static pod's mirror: the kubelet owns it
  SkipTerminating,  // terminating for longer than --skip-wait-for-delete-timeout
  Refuse,         // the drain stops here until the flags in `refusals` are given
};

const char* action_name(PodAction action);  // "evict", "delete", "skip-daemonset", ...

struct PodPreview {
  nlohmann::json pod;
  std::string key;  // namespace/name
  PodAction action = PodAction::Evict;
  // Refuse: every refusal (a k*Refusal text) the pod meets, in kubectl's filter order — not
  // only the first, so one pre-flight names every flag it needs.
  std::vector<std::string> refusals;
  // Refuse: what would happen once those flags are given.
  PodAction with_flags = PodAction::Evict;
};

// The flag that lifts a refusal ("--ignore-daemonsets", ...).
std::string flag_for_refusal(const std::string& refusal);

// Previews every pod with `flags`; `evicting` false: the drain would delete instead. An error
// only when a DaemonSet lookup failed.
Result<std::vector<PodPreview>> preview_pods(const std::vector<nlohmann::json>& pods,
                                             const FilterFlags& flags,
                                             const DaemonSetExists& daemonset_exists,
                                             bool evicting);

// The line and the event data for one pod ("pod ns/a: refused: needs --force (then: evict)";
// {"pod", "action", and for a refused pod "needs", "then"}). `deleting_why`: why a pod would be
// deleted rather than evicted.
std::pair<std::string, nlohmann::json> describe_preview(const PodPreview& preview,
                                                       const std::string& deleting_why);

// Refusal reason → the pods it stops, in the order met (a pod under each of its reasons).
std::vector<std::pair<std::string, std::vector<std::string>>> group_refusals(
    const std::vector<PodPreview>& previews);

// A PodDisruptionBudget that would refuse the eviction of pods on the node.
struct BudgetBlocker {
  std::string namespace_;
  std::string name;
  std::int64_t disruptions_allowed = 0;
  std::int64_t current_healthy = 0;
  std::int64_t desired_healthy = 0;
  std::int64_t expected_pods = 0;
  std::vector<std::string> pods;  // namespace/name of the node's pods it holds back
};

// A pod more than one budget selects: the eviction subresource refuses it outright.
struct OverlappingBudgets {
  std::string pod;                   // namespace/name
  std::vector<std::string> budgets;  // namespace/name
};

struct BudgetCheck {
  std::vector<BudgetBlocker> blockers;
  std::vector<OverlappingBudgets> overlapping;
};

// Matches `budgets` (the items of one cluster-wide list) against the pods the drain would
// evict, as the eviction subresource does: a budget selects a pod of its own namespace by label
// selector (with policy/v1beta1, `empty_selector_selects_all` false, an empty selector selects
// nothing); pods that are Pending, Succeeded, Failed or already being deleted are evicted
// whatever the budget; an unready pod passes while the budget has its desired healthy count.
// Blockers come in the order the budgets were listed.
BudgetCheck check_budgets(const std::vector<nlohmann::json>& pods_to_evict,
                          const std::vector<nlohmann::json>& budgets,
                          bool empty_selector_selects_all);

// One line per blocker, for the events and the error ("PodDisruptionBudget ns/web allows 0
// disruptions (currentHealthy 2, desiredHealthy 2, expectedPods 2): holds ns/web-1").
std::string describe_budget_blocker(const BudgetBlocker& blocker);
std::string describe_overlapping(const OverlappingBudgets& overlap);

// The pre-flight's verdict when something blocks: Refused (exit 1), naming the blockers, with a
// hint saying which flags to add and which budget to look at.
Error preflight_refusal(const std::string& node, std::size_t refused_pods,
                        const std::vector<std::string>& flags_needed,
                        const std::vector<std::string>& blocking_budgets);

}  // namespace orka::drain
