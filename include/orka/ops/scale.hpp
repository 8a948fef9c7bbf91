// The scale op: options and outcome.
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

struct ScaleRequest {
  ObjectRef target;  // TYPE/NAME of anything with a /scale subresource (apply: spec.replicas)
  std::int32_t replicas = 0;  // 0 or more
  ScaleMode mode = ScaleMode::Subresource;
  ScaleOptions options;
};

// Sets the replica count; with options.wait, returns once that many replicas are ready.
// Invalid fields: replicas, current_replicas (negative), force_conflicts (without Apply),
// timeout (negative).
struct ScaleOp : TypedOp<ScaleRequest, Result<ScaleOutcome>> {
  static constexpr OpId kId{"scale", 1};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
