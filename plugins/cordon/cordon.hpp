// The cordon op: mark a node unschedulable (or schedulable again) with a merge patch of
// spec.unschedulable, leaving a node already in the requested state untouched.
#pragma once

#include <string>
#include <string_view>

#include "orka/api_path.hpp"
#include "orka/command.hpp"
#include "orka/ops.hpp"
#include "orka/services.hpp"

namespace orka::cordon {

class CordonOps final : public OrkaOps {
 public:
  explicit CordonOps(Services& services) : services_(services) {}
  Result<CordonOutcome> cordon(const std::string& node, bool on) override;

 private:
  Services& services_;
};

// "/api/v1/nodes/NODE", encoded; shared with drain.
ApiPath node_path(std::string_view node);

// Sets spec.unschedulable of `node` to `on` unless it already is; shared with drain.
Result<CordonOutcome> set_unschedulable(Client& client, const std::string& node, bool on,
                                        const CancelToken& cancel);

// `orka ops cordon` / `orka ops uncordon`.
CommandSpec cordon_command();

}  // namespace orka::cordon
