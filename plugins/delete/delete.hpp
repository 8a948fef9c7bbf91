// The delete op: delete one pod with kubectl's grace/force rules, guarded by a UID
// precondition so that a pod recreated under the same name is never deleted by mistake.
#pragma once

#include <cstdint>
#include <optional>

#include "orka/command.hpp"
#include "orka/ops.hpp"
#include "orka/services.hpp"

namespace orka::podsdelete {

// kubectl's rules: --grace-period 0 without --force becomes 1 (no accidental immediate
// deletion); --force without a grace period means 0; otherwise the given value or the pod's own.
std::optional<std::int64_t> effective_grace_period(std::optional<std::int64_t> requested,
                                                   bool force);

// The warning kubectl prints for --force: immediate deletion, or --force ignored because the
// grace period is not 0. Empty when there is nothing to warn about.
std::string force_warning(std::optional<std::int64_t> requested, bool force);

// The metav1.DeleteOptions body: preconditions.uid, and gracePeriodSeconds when set.
nlohmann::json delete_options_body(const std::string& uid, std::optional<std::int64_t> grace);

class DeleteOps final : public DeletePodOp {
 public:
  explicit DeleteOps(Services& services) : services_(services) {}
  Result<DeleteOutcome> run(const DeleteRequest& request) override;

 private:
  Services& services_;
};

// What `orka ops caps` shows for delete.
OpDeclaration delete_declaration();

// The JSON forms: the request ({"pod": "web-0", "namespace": "x", "grace_period_seconds": 0,
// "force": false, "wait": true, "timeout": "1m"}) and the result object `orka ops delete --json`
// prints per pod.
Result<DeleteRequest> delete_request_from_json(const nlohmann::json& request);
nlohmann::json delete_result_json(const DeleteOutcome& outcome);
JsonRunner delete_json_runner(std::shared_ptr<DeletePodOp> op);

CommandSpec delete_command();

}  // namespace orka::podsdelete
