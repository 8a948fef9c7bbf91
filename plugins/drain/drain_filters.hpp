// kubectl drain's pod filters, as pure functions: which pods on a node are evicted, which are
// skipped, and which block the drain until a flag allows them. Filters run in kubectl's order
// (terminating-too-long, DaemonSet, mirror, local storage, unmanaged); the first that does not
// allow deletion decides.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orka/error.hpp"

namespace orka::drain {

// kubectl's wording, so users and scripts recognise them.
inline constexpr const char* kDaemonSetRefusal =
    "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
inline constexpr const char* kLocalStorageRefusal =
    "Pods with local storage (use --delete-emptydir-data to override)";
inline constexpr const char* kUnmanagedRefusal =
    "Pods declare no controller (use --force to override)";
inline constexpr const char* kOrphanedDaemonSetRefusal =
    "Pods of a DaemonSet that no longer exists (use --force to delete them)";
// The reasons a pod is skipped (PodDecision::reason with Verdict::Skip).
inline constexpr const char* kDaemonSetSkip = "DaemonSet-managed";
inline constexpr const char* kMirrorSkip = "mirror pod";
inline constexpr const char* kTerminatingSkip =
    "terminating for longer than --skip-wait-for-delete-timeout";
inline constexpr const char* kDaemonSetWarning = "ignoring DaemonSet-managed Pods";
inline constexpr const char* kLocalStorageWarning = "deleting Pods with local storage";
inline constexpr const char* kUnmanagedWarning = "deleting Pods that declare no controller";
inline constexpr const char* kOrphanedDaemonSetWarning =
    "deleting Pods of a DaemonSet that no longer exists";

struct FilterFlags {
  bool ignore_daemonsets = false;
  bool delete_emptydir_data = false;
  bool force = false;
  std::optional<std::int64_t> skip_wait_for_delete_timeout_seconds;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

// Whether the DaemonSet namespace/name exists; an error when that cannot be known.
using DaemonSetExists = std::function<Result<bool>(const std::string& namespace_,
                                                   const std::string& name)>;

struct PodDecision {
  enum class Verdict { Evict, Skip, Refuse };
  Verdict verdict = Verdict::Evict;
  std::string reason;   // Skip/Refuse: why (Refuse: one of the k*Refusal texts)
  std::string warning;  // Evict/Skip: a k*Warning the user should see, may be empty
};

// The decision for one pod; an error only when a DaemonSet lookup failed.
Result<PodDecision> classify(const nlohmann::json& pod, const FilterFlags& flags,
                             const DaemonSetExists& daemonset_exists);

// As classify, with a failed DaemonSet lookup as a refusal carrying its message.
PodDecision classify_pod(const nlohmann::json& pod, const FilterFlags& flags,
                         const DaemonSetExists& daemonset_exists);

struct DrainPlan {
  std::vector<nlohmann::json> to_evict;
  std::vector<std::string> skipped;  // "namespace/name: reason"
  // reason → pods ("namespace/name"), in the order met; refusals block the whole drain.
  std::vector<std::pair<std::string, std::vector<std::string>>> refusals;
  std::vector<std::pair<std::string, std::vector<std::string>>> warnings;
};

// Classifies every pod; an error only when a DaemonSet lookup failed.
Result<DrainPlan> plan_drain(const std::vector<nlohmann::json>& pods, const FilterFlags& flags,
                             const DaemonSetExists& daemonset_exists);

// "cannot delete <reason>: ns/a, ns/b" — one line per refusal reason.
std::string describe_refusals(const DrainPlan& plan);

std::string pod_key(const nlohmann::json& pod);  // "namespace/name"

// Whether a metav1.LabelSelector (matchLabels, matchExpressions) selects `labels`. An empty
// selector selects everything (policy/v1 semantics); a null one nothing.
bool selector_matches(const nlohmann::json& selector, const nlohmann::json& labels);

}  // namespace orka::drain
