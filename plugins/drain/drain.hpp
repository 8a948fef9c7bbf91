// The drain op: cordon the node, refuse (listing every reason at once) when a pod needs a flag,
// then evict the pods through the eviction subresource (or delete them) with at most
// `parallel` requests in flight, asking again every 5 s for pods a PodDisruptionBudget protects,
// and wait until every evicted pod's UID is gone — all under one deadline. On failure the node stays cordoned and the error lists what remains.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "drain_filters.hpp"
#include "orka/command.hpp"
#include "orka/ops.hpp"
#include "orka/services.hpp"

namespace orka::drain {

// The Eviction body for `group_version` ("policy/v1" or "policy/v1beta1"), with a UID
// precondition and deleteOptions.gracePeriodSeconds when set.
nlohmann::json eviction_body(const std::string& group_version, const nlohmann::json& pod,
                             std::optional<std::int64_t> grace_period_seconds);

// The request's own rules (field errors), checked before any request is sent.
Result<void> validate_drain_request(const DrainRequest& request);

class DrainOps final : public DrainOp {
 public:
  explicit DrainOps(Services& services) : services_(services) {}
  Result<DrainOutcome> run(const DrainRequest& request) override;

  // How long to wait before evicting again a pod a PodDisruptionBudget protects.
  std::chrono::milliseconds pdb_retry_interval{5000};

 private:
  Services& services_;
};

// What `orka ops caps` shows for drain.
OpDeclaration drain_declaration();

// The JSON forms: the request ({"node": "n1", "ignore_daemonsets": true, ..., "parallel": 8,
// "timeout": "5m", "dry_run": false}) and the result object `orka ops drain --json` prints last.
Result<DrainRequest> drain_request_from_json(const nlohmann::json& request);
nlohmann::json drain_result_json(const DrainOutcome& outcome, bool dry_run);
JsonRunner drain_json_runner(std::shared_ptr<DrainOp> op);

CommandSpec drain_command();

}  // namespace orka::drain
