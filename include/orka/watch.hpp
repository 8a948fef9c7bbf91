// Watching a collection the way client-go's informers do: LIST, then WATCH from the list's
// resourceVersion; re-watch from the last seen version when the server ends a watch (timeout),
// re-list on 410 Gone; one deadline for the whole wait. Used by every op that waits for the
// cluster to converge (rollout status, scale --wait, delete --wait, drain).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "orka/api_path.hpp"
#include "orka/cancel.hpp"
#include "orka/client.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct WatchEvent {
  enum class Type {
    Listed,    // a (re)list finished: `object` is the array of items; state starts over
    Added,
    Modified,
    Deleted,
  };
  Type type = Type::Listed;
  nlohmann::json object;
};

struct WatchTarget {
  // The collection without a query: "/apis/apps/v1/namespaces/web/deployments",
  // "/api/v1/pods" (all namespaces).
  ApiPath collection_path;
  std::string field_selector;  // e.g. "metadata.name=web", "spec.nodeName=node-1"
  std::string label_selector;
  // The resource being read; its verb is replaced by "list" and "watch" for the requests, so a
  // 403 names exactly what is missing.
  std::optional<Permission> permission;
};

struct WatchLimits {
  // When reached, list_and_watch returns ErrorKind::Timeout. nullopt: wait indefinitely.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // timeoutSeconds of each watch request; the server ends the watch then and orka re-watches.
  std::chrono::seconds server_timeout{240};
  // Pause before re-listing or re-watching after a transient failure (orka::is_transient);
  // failures in a row are retried for up to 60 s (an API server restart) or to the deadline.
  std::chrono::milliseconds retry_delay{1000};
};

enum class WatchAction { Continue, Stop };

// Called for every event on the calling thread. Return Stop when the awaited state is reached;
// an error ends the watch and is returned as is.
using WatchHandler = std::function<Result<WatchAction>(const WatchEvent&)>;

// Returns once the handler answers Stop. Errors: Timeout (deadline), Cancelled (`cancel`), the
// handler's own error, or the API error of a LIST/WATCH that cannot be retried (403, 404, ...).
ORKA_API Result<void> list_and_watch(Client& client, const WatchTarget& target,
                                     const WatchHandler& handler, const WatchLimits& limits,
                                     const CancelToken& cancel);

// The collection with the query of a LIST (watch=false) or a WATCH from `resource_version`.
ORKA_API ApiPath watch_path(const WatchTarget& target, bool watch,
                            const std::string& resource_version,
                            std::chrono::seconds server_timeout);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
