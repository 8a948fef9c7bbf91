// Waiting until objects identified by UID no longer exist. A UID never comes back, so an object
// recreated under the same name (a StatefulSet pod, a pod a controller replaced) does not keep
// the wait going, and one that is gone before the wait starts ends it at once.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "orka/cancel.hpp"
#include "orka/client.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/watch.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// Called whenever the set of objects still present changes (and once after the first list).
using RemainingFn = std::function<void(const std::set<std::string>& remaining_uids)>;

// Watches `target` (narrow it with a field selector) until none of `uids` is present.
// Errors as list_and_watch (Timeout when the deadline passes first).
ORKA_API Result<void> wait_until_gone(Client& client, const WatchTarget& target,
                                      std::set<std::string> uids, const RemainingFn& on_change,
                                      const WatchLimits& limits, const CancelToken& cancel);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
