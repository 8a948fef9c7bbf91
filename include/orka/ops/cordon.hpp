// The cordon op: outcome.
#pragma once

#include <string>

#include "orka/cancel.hpp"
#include "orka/export.hpp"
#include "orka/op.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct CordonOutcome {
  std::string node;
  bool changed = false;  // false: it already was in the requested state
};

struct CordonRequest {
  std::string node;
  bool on = true;  // false: schedulable again (uncordon)
  CancelToken cancel;
};

// Marks a node unschedulable (or schedulable again), leaving it alone when it already is.
struct CordonOp : TypedOp<CordonRequest, Result<CordonOutcome>> {
  static constexpr OpId kId{"cordon", 1};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
