// The rr op as the registry and the JSON entry see it: its declaration and its JSON forms.
#include "orka/op_json.hpp"
#include "rr.hpp"

namespace orka::rr {

OpDeclaration rr_declaration() {
  OpDeclaration declaration;
  declaration.summary = "Restart a deployment's, statefulset's or daemonset's pods";
  declaration.requirements = {
      op_requirement("patch", "apps", "deployments", "", PermissionScope::Namespace)};
  declaration.notes = {"the permission check is made for deployments"};
  return declaration;
}

Result<RolloutRequest> rr_request_from_json(const nlohmann::json& json) {
  RolloutRequest request;
  JsonRequest reader(json, "rr");
  reader.object_ref("target", request.target)
      .optional("namespace", request.target.namespace_)
      .optional("wait", request.options.wait)
      .duration("timeout", request.options.timeout);
  if (auto read = reader.finish(); !read) return fail(read.error());
  return request;
}

nlohmann::json rr_result_json(const RolloutOutcome& outcome, bool waited) {
  return {{"event", "result"},
          {"resource", outcome.resource},
          {"restarted_at", outcome.restarted_at},
          {"rolled_out", waited}};
}

JsonRunner rr_json_runner(std::shared_ptr<RolloutRestartOp> op) {
  return one_shot_json_runner(std::move(op), rr_request_from_json,
                              [](const auto& outcome, const auto& request) {
                                return rr_result_json(outcome, request.options.wait);
                              });
}

}  // namespace orka::rr
