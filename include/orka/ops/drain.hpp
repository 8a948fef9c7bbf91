// The drain op: options and outcome.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/op.hpp"
#include "orka/ops/common.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

inline constexpr std::size_t kDefaultDrainParallel = 8;

struct DrainOptions {
  bool ignore_daemonsets = false;
  bool delete_emptydir_data = false;
  bool force = false;
  std::optional<std::int64_t> grace_period_seconds;
  std::chrono::milliseconds timeout{0};
  std::string pod_selector;
  bool disable_eviction = false;
  std::optional<std::int64_t> skip_wait_for_delete_timeout_seconds;
  bool dry_run = false;
  // Evictions (or deletions) in flight at once; each waits for its pod on its own.
  std::size_t parallel = kDefaultDrainParallel;
  ProgressFn progress;
  CancelToken cancel;  // cancelling it ends the op (and its waits) with ErrorKind::Cancelled
};

struct DrainOutcome {
  std::string node;
  std::vector<std::string> evicted;  // namespace/name
  std::vector<std::string> skipped;  // namespace/name: reason
  // Of `evicted`, the pods whose eviction was refused because their namespace is being deleted
  // and that went with that deletion instead (namespace/name).
  std::vector<std::string> left_with_namespace;
};

struct DrainRequest {
  std::string node;
  DrainOptions options;
};

// Cordons the node and evicts its pods (kubectl drain's rules). Invalid fields:
// grace_period_seconds, skip_wait_for_delete_timeout_seconds (below 0), parallel (0), timeout.
struct DrainOp : TypedOp<DrainRequest, Result<DrainOutcome>> {
  static constexpr OpId kId{"drain", 1};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
