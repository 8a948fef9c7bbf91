// The rollout-restart op: options and outcome.
#pragma once

#include <chrono>
#include <string>

#include "orka/cancel.hpp"
#include "orka/op.hpp"
#include "orka/ops/common.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct RolloutOptions {
  bool wait = false;
  std::chrono::milliseconds timeout{0};
  ProgressFn progress;
  CancelToken cancel;  // cancelling it ends the op (and its waits) with ErrorKind::Cancelled
};

struct RolloutOutcome {
  std::string resource;
  std::string restarted_at;  // RFC 3339 written into the pod template
};

struct RolloutRequest {
  ObjectRef target;  // a deployment, statefulset or daemonset
  RolloutOptions options;
};

// Restarts a workload's pods (kubectl rollout restart); with options.wait, follows the rollout
// with kubectl's rollout-status rules.
struct RolloutRestartOp : TypedOp<RolloutRequest, Result<RolloutOutcome>> {
  static constexpr OpId kId{"rr", 1};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
