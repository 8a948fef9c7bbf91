// The drain op: cordon the node, refuse (listing every reason at once) when a pod needs a flag,
// then evict the pods in parallel through the eviction subresource (or delete them), retrying
// PodDisruptionBudget refusals every 5 s, and wait until every evicted pod's UID is gone — all
// under one deadline. On failure the node stays cordoned and the error lists what remains.
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

class DrainOps final : public OrkaOps {
 public:
  explicit DrainOps(Services& services) : services_(services) {}
  Result<DrainOutcome> drain(const std::string& node, const DrainOptions& options) override;

  // How long to wait before evicting again a pod a PodDisruptionBudget protects.
  std::chrono::milliseconds pdb_retry_interval{5000};

 private:
  Services& services_;
};

CommandSpec drain_command();

}  // namespace orka::drain
