// The delete op as the registry and the JSON entry see it: its declaration and its JSON forms.
#include "delete.hpp"
#include "orka/op_json.hpp"

namespace orka::podsdelete {

OpDeclaration delete_declaration() {
  OpDeclaration declaration;
  declaration.summary = "Delete a pod (UID-guarded), optionally until it is gone";
  declaration.requirements = {op_requirement("delete", "", "pods", "", PermissionScope::Namespace)};
  return declaration;
}

Result<DeleteRequest> delete_request_from_json(const nlohmann::json& json) {
  DeleteRequest request;
  JsonRequest reader(json, "delete");
  reader.required("pod", request.pod.name)
      .optional("namespace", request.pod.namespace_)
      .optional("grace_period_seconds", request.options.grace_period_seconds)
      .optional("force", request.options.force)
      .optional("wait", request.options.wait)
      .duration("timeout", request.options.timeout);
  if (auto read = reader.finish(); !read) return fail(read.error());
  return request;
}

nlohmann::json delete_result_json(const DeleteOutcome& outcome) {
  return {{"event", "result"}, {"pod", outcome.pod}, {"uid", outcome.uid}, {"gone", outcome.gone}};
}

JsonRunner delete_json_runner(std::shared_ptr<DeletePodOp> op) {
  return one_shot_json_runner(std::move(op), delete_request_from_json,
                              [](const auto& outcome, const auto&) {
                                return delete_result_json(outcome);
                              });
}

}  // namespace orka::podsdelete
