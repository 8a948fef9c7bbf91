// The cordon op: mark a node unschedulable (or schedulable again) with a merge patch of
// spec.unschedulable, leaving a node already in the requested state untouched. The patch itself
// is orka::set_unschedulable (liborka), which drain uses too.
#pragma once

#include <nlohmann/json.hpp>

#include "orka/command.hpp"
#include "orka/op.hpp"
#include "orka/ops/cordon.hpp"
#include "orka/services.hpp"

namespace orka::cordon {

class CordonOps final : public CordonOp {
 public:
  explicit CordonOps(Services& services) : services_(services) {}
  Result<CordonOutcome> run(const CordonRequest& request) override;

 private:
  Services& services_;
};

// What `orka ops caps` shows for cordon.
OpDeclaration cordon_declaration();

// The JSON forms: the request ({"node": "n1", "on": true}) and the result object, which is also
// what `orka ops cordon --json` prints per node.
Result<CordonRequest> cordon_request_from_json(const nlohmann::json& request);
nlohmann::json cordon_result_json(const CordonOutcome& outcome, bool on);
JsonRunner cordon_json_runner(std::shared_ptr<CordonOp> op);

// `orka ops cordon` / `orka ops uncordon`.
CommandSpec cordon_command();

}  // namespace orka::cordon
