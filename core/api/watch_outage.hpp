// list_and_watch with the outage it rides out given explicitly. Internal: the public WatchLimits
// stays as ABI 4 has it (a new field would be a new major), and only tests need another limit.
#pragma once

#include <chrono>

#include "orka/watch.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// Transient failures in a row (orka::is_transient) are retried for this long, or to the
// deadline: long enough for an API server restart; a server away for longer ends the wait
// with the last error.
inline constexpr std::chrono::milliseconds kWatchMaxOutage{60000};

Result<void> list_and_watch_riding_out(Client& client, const WatchTarget& target,
                                       const WatchHandler& handler, const WatchLimits& limits,
                                       std::chrono::milliseconds max_outage,
                                       const CancelToken& cancel);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
