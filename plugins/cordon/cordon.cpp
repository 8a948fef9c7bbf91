#include "cordon.hpp"

#include "orka/nodes.hpp"
#include "orka/op_json.hpp"

namespace orka::cordon {

Result<CordonOutcome> CordonOps::run(const CordonRequest& request) {
  auto client = services_.client();
  if (!client) return fail(client.error());
  return set_unschedulable(**client, request.node, request.on, request.cancel);
}

OpDeclaration cordon_declaration() {
  OpDeclaration declaration;
  declaration.summary = "Mark a node unschedulable, or schedulable again";
  declaration.requirements.push_back(op_requirement("patch", "", "nodes", "", PermissionScope::Cluster));
  return declaration;
}

Result<CordonRequest> cordon_request_from_json(const nlohmann::json& json) {
  CordonRequest request;
  JsonRequest reader(json, "cordon");
  reader.required("node", request.node).optional("on", request.on);
  if (auto read = reader.finish(); !read) return fail(read.error());
  return request;
}

nlohmann::json cordon_result_json(const CordonOutcome& outcome, bool on) {
  return {{"node", outcome.node}, {"unschedulable", on}, {"changed", outcome.changed}};
}

JsonRunner cordon_json_runner(std::shared_ptr<CordonOp> op) {
  return one_shot_json_runner(std::move(op), cordon_request_from_json,
                              [](const auto& outcome, const auto& request) {
                                return cordon_result_json(outcome, request.on);
                              });
}

}  // namespace orka::cordon
