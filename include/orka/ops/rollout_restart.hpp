// The rollout-restart op: options and outcome.
#pragma once

#include <chrono>
#include <string>

#include "orka/cancel.hpp"
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

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
