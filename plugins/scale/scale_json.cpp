// The scale op as the registry and the JSON entry see it: its declaration and its JSON forms.
#include <fmt/format.h>

#include "orka/op_json.hpp"
#include "scale.hpp"

namespace orka::scale {

OpDeclaration scale_declaration() {
  OpDeclaration declaration;
  declaration.summary = "Set the replica count of anything with a /scale subresource";
  declaration.requirements = {
      op_requirement("get", "apps", "deployments", "scale", PermissionScope::Namespace),
      op_requirement("patch", "apps", "deployments", "scale", PermissionScope::Namespace),
  };
  declaration.applies_to_subresource = "scale";
  declaration.notes = {"the permission checks are made for deployments"};
  return declaration;
}

Result<ScaleRequest> scale_request_from_json(const nlohmann::json& json) {
  ScaleRequest request;
  std::string mode = "subresource";
  JsonRequest reader(json, "scale");
  reader.object_ref("target", request.target)
      .optional("namespace", request.target.namespace_)
      .required("replicas", request.replicas)
      .optional("mode", mode)
      .optional("current_replicas", request.options.current_replicas)
      .optional("force_conflicts", request.options.force_conflicts)
      .optional("wait", request.options.wait)
      .duration("timeout", request.options.timeout);
  if (auto read = reader.finish(); !read) return fail(read.error());
  if (mode == "apply")
    request.mode = ScaleMode::Apply;
  else if (mode != "subresource")
    return fail_field("mode", fmt::format("must be subresource or apply, not {:?}", mode));
  return request;
}

nlohmann::json scale_result_json(const ScaleOutcome& outcome, ScaleMode mode) {
  nlohmann::json object = {{"event", "result"},
                           {"resource", outcome.resource},
                           {"replicas", outcome.replicas},
                           {"mode", mode == ScaleMode::Apply ? "apply" : "subresource"}};
  object["previous_replicas"] = outcome.previous_replicas
                                    ? nlohmann::json(*outcome.previous_replicas)
                                    : nlohmann::json(nullptr);
  return object;
}

JsonRunner scale_json_runner(std::shared_ptr<ScaleOp> op) {
  return one_shot_json_runner(std::move(op), scale_request_from_json,
                              [](const auto& outcome, const auto& request) {
                                return scale_result_json(outcome, request.mode);
                              });
}

}  // namespace orka::scale
