// The delete op (one pod): options and outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "orka/cancel.hpp"
#include "orka/op.hpp"
#include "orka/ops/common.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct DeleteOptions {
  std::optional<std::int64_t> grace_period_seconds;  // nullopt: the pod's own
  bool force = false;                                // implies grace 0
  bool wait = false;
  std::chrono::milliseconds timeout{0};
  ProgressFn progress;
  CancelToken cancel;  // cancelling it ends the op (and its waits) with ErrorKind::Cancelled
};

struct DeleteOutcome {
  std::string pod;
  std::string uid;
  bool gone = false;  // true once the wait saw the UID disappear
};

struct DeleteRequest {
  PodRef pod;
  DeleteOptions options;
};

// Deletes one pod with kubectl's grace/force rules, guarded by a UID precondition.
// Invalid fields: grace_period_seconds (below 0), timeout (negative).
struct DeletePodOp : TypedOp<DeleteRequest, Result<DeleteOutcome>> {
  static constexpr OpId kId{"delete", 1};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
