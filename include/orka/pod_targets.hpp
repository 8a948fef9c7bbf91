// What a user names on the command line (POD, TYPE/NAME, svc/NAME, -l SELECTOR) turned into
// pods: how logs, exec and pf (and any plugin working on pods) find the pods a name means.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orka/api_path.hpp"
#include "orka/cancel.hpp"
#include "orka/client.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

enum class PodTargetKind { Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, Service };

struct PodTarget {
  PodTargetKind kind = PodTargetKind::Pod;
  std::string name;
};

// "web-1", "pod/web-1", "deploy/web", "deployments.apps/web", "sts/db", "svc/web" → PodTarget.
// `allow_service` is false for logs and exec (a service has no logs of its own).
ORKA_API Result<PodTarget> parse_pod_target(std::string_view text, bool allow_service);

// "deployment/web" style, for messages.
ORKA_API std::string describe(const PodTarget& target);

// A pod's name is always a pod; everything else selects pods by label.
ORKA_API bool selects_pods(const PodTarget& target);

// A metav1.LabelSelector (matchLabels + matchExpressions) as a query selector string.
// An empty selector is refused: it would match every pod in the namespace.
ORKA_API Result<std::string> label_selector_string(const nlohmann::json& selector,
                                                   std::string_view owner);

// The object's label selector: spec.selector of a workload, spec.selector (a map) of a service.
ORKA_API Result<std::string> target_selector(Client& client, const std::string& namespace_,
                                             const PodTarget& target, const CancelToken& cancel);

// The object itself (GET), e.g. a service to map its ports.
ORKA_API Result<nlohmann::json> get_target(Client& client, const std::string& namespace_,
                                           const PodTarget& target, const CancelToken& cancel);

// A Usage error unless `namespace_` and `pod` are names the API server accepts (check_name):
// what ops that take a pod by name check before the first request.
ORKA_API Result<void> check_pod_names(std::string_view namespace_, std::string_view pod);

// "/api/v1/namespaces/NAMESPACE/pods" ("/api/v1/pods" for every namespace: ""), encoded.
ORKA_API ApiPath pods_path(std::string_view namespace_);
// "/api/v1/namespaces/NAMESPACE/pods/POD", encoded; add a segment for a subresource ("log").
ORKA_API ApiPath pod_path(std::string_view namespace_, std::string_view pod);

ORKA_API Result<nlohmann::json> get_pod(Client& client, const std::string& namespace_,
                                        const std::string& name, const CancelToken& cancel);

// Pods matching `selector` (items of the PodList), in the API's order.
ORKA_API Result<std::vector<nlohmann::json>> list_pods(Client& client,
                                                       const std::string& namespace_,
                                                       const std::string& selector,
                                                       const CancelToken& cancel);

// Pods of a target: the named pod, or the pods its selector matches.
ORKA_API Result<std::vector<nlohmann::json>> resolve_pods(Client& client,
                                                          const std::string& namespace_,
                                                          const PodTarget& target,
                                                          const CancelToken& cancel);

ORKA_API std::string pod_name(const nlohmann::json& pod);
ORKA_API std::string pod_uid(const nlohmann::json& pod);
ORKA_API bool pod_deleting(const nlohmann::json& pod);  // metadata.deletionTimestamp set
ORKA_API bool pod_running(const nlohmann::json& pod);   // status.phase == Running
ORKA_API bool pod_ready(const nlohmann::json& pod);     // condition Ready == True

// Container names in spec order; init containers first when asked.
ORKA_API std::vector<std::string> container_names(const nlohmann::json& pod, bool include_init);

// The container that ops default to: the kubectl.kubernetes.io/default-container annotation,
// else the first container.
ORKA_API std::string default_container(const nlohmann::json& pod);

// Picks the pod an exec or a port-forward talks to: running and ready first (the oldest of
// them, so repeated runs agree), else running. NotFound naming the target when none is.
ORKA_API Result<nlohmann::json> pick_pod(const std::vector<nlohmann::json>& pods,
                                         const PodTarget& target, const std::string& namespace_);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
