// The cordon op: outcome.
#pragma once

#include <string>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct CordonOutcome {
  std::string node;
  bool changed = false;  // false: it already was in the requested state
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
