// The drain op as the registry and the JSON entry see it: its declaration and its JSON forms.
#include "drain.hpp"
#include "orka/op_json.hpp"

namespace orka::drain {

OpDeclaration drain_declaration() {
  OpDeclaration declaration;
  declaration.summary = "Cordon a node and evict its pods";
  OpRequirement delete_pods = op_requirement(
      "delete", "", "pods", "", PermissionScope::AllNamespaces,
      "the cluster serves no pods/eviction: drain deletes pods instead, without "
      "PodDisruptionBudget protection");
  OpRequirement evict = op_requirement(
      "create", "", "pods", "eviction", PermissionScope::AllNamespaces,
      "evicts through {served_as} Eviction, so PodDisruptionBudgets are honoured");
  evict.otherwise.push_back(std::move(delete_pods));
  declaration.requirements = {
      op_requirement("patch", "", "nodes", "", PermissionScope::Cluster),
      // Pods on a node live in every namespace: the checks are for all namespaces.
      op_requirement("list", "", "pods", "", PermissionScope::AllNamespaces),
      // RBAC sees the URL (/api/v1/.../pods/<name>/eviction): the core group, whatever
      // group/version the Eviction body carries.
      std::move(evict),
  };
  return declaration;
}

Result<DrainRequest> drain_request_from_json(const nlohmann::json& json) {
  DrainRequest request;
  DrainOptions& options = request.options;
  JsonRequest reader(json, "drain");
  reader.required("node", request.node)
      .optional("ignore_daemonsets", options.ignore_daemonsets)
      .optional("delete_emptydir_data", options.delete_emptydir_data)
      .optional("force", options.force)
      .optional("grace_period_seconds", options.grace_period_seconds)
      .duration("timeout", options.timeout)
      .optional("pod_selector", options.pod_selector)
      .optional("disable_eviction", options.disable_eviction)
      .optional("skip_wait_for_delete_timeout_seconds", options.skip_wait_for_delete_timeout_seconds)
      .optional("dry_run", options.dry_run)
      .optional("parallel", options.parallel);
  if (auto read = reader.finish(); !read) return fail(read.error());
  return request;
}

nlohmann::json drain_result_json(const DrainOutcome& outcome, bool dry_run) {
  return {{"event", "result"},
          {"node", outcome.node},
          {"dry_run", dry_run},
          {"evicted", outcome.evicted},
          {"left_with_namespace", outcome.left_with_namespace},
          {"skipped", outcome.skipped}};
}

JsonRunner drain_json_runner(std::shared_ptr<DrainOp> op) {
  return one_shot_json_runner(std::move(op), drain_request_from_json,
                              [](const auto& outcome, const auto& request) {
                                return drain_result_json(outcome, request.options.dry_run);
                              });
}

}  // namespace orka::drain
