// The scale op: options and outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "orka/cancel.hpp"
#include "orka/ops/common.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

enum class ScaleMode { Subresource, Apply };

struct ScaleOptions {
  std::optional<std::int32_t> current_replicas;  // precondition
  bool force_conflicts = false;                  // Apply: take ownership of spec.replicas
  bool wait = false;
  std::chrono::milliseconds timeout{0};  // 0: no timeout
  ProgressFn progress;
  CancelToken cancel;  // cancelling it ends the op (and its waits) with ErrorKind::Cancelled
};

struct ScaleOutcome {
  std::string resource;  // "deployments.apps/web"
  std::optional<std::int32_t> previous_replicas;
  std::int32_t replicas = 0;
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
