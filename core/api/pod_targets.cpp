// POD, TYPE/NAME and svc/NAME → pods, via the workload's selector.
#include "orka/pod_targets.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "orka/missing_namespace.hpp"
#include "orka/pod_target_lists.hpp"
#include "orka/json_fields.hpp"
#include "orka/object_names.hpp"
#include "util/ascii.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {
namespace {

struct KindInfo {
  PodTargetKind kind;
  std::string_view group;               // "" for core
  std::string_view resource;            // "deployments"
  std::string_view display;             // "deployment"
  std::array<std::string_view, 4> names;  // what a user may type
};

constexpr std::array<KindInfo, 7> kKinds{{
    {PodTargetKind::Pod, "", "pods", "pod", {"pod", "pods", "po", ""}},
    {PodTargetKind::Deployment, "apps", "deployments", "deployment",
     {"deployment", "deployments", "deploy", "deployments.apps"}},
    {PodTargetKind::ReplicaSet, "apps", "replicasets", "replicaset",
     {"replicaset", "replicasets", "rs", "replicasets.apps"}},
    {PodTargetKind::StatefulSet, "apps", "statefulsets", "statefulset",
     {"statefulset", "statefulsets", "sts", "statefulsets.apps"}},
    {PodTargetKind::DaemonSet, "apps", "daemonsets", "daemonset",
     {"daemonset", "daemonsets", "ds", "daemonsets.apps"}},
    {PodTargetKind::Job, "batch", "jobs", "job", {"job", "jobs", "jobs.batch", ""}},
    {PodTargetKind::Service, "", "services", "service", {"service", "services", "svc", ""}},
}};

const KindInfo& info(PodTargetKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k;
  return kKinds[0];
}


std::string string_at(const nlohmann::json& object, const nlohmann::json::json_pointer& pointer) {
  if (!object.contains(pointer)) return {};
  const auto& value = object.at(pointer);
  return value.is_string() ? value.get<std::string>() : std::string();
}

// Every kind here is served as v1 of its group.
ApiPath collection_path(const KindInfo& k, std::string_view namespace_) {
  return ApiPath::group_version(k.group, "v1").in_namespace(namespace_).segment(k.resource);
}

ApiPath object_path(const KindInfo& k, std::string_view namespace_, std::string_view name) {
  return collection_path(k, namespace_).segment(name);
}

std::string selector_values(const nlohmann::json& values) {
  std::string out;
  if (!values.is_array()) return out;
  for (const auto& v : values) {
    if (!v.is_string()) continue;
    if (!out.empty()) out += ',';
    out += v.get<std::string>();
  }
  return out;
}

}  // namespace

Result<PodTarget> parse_pod_target(std::string_view text, bool allow_service) {
  if (text.empty()) return fail(ErrorKind::Usage, "the target is empty", "name a pod or TYPE/NAME");
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    if (auto valid = check_name("pod", text, NameRule::Dns1123Subdomain); !valid)
      return fail(valid.error());
    return PodTarget{PodTargetKind::Pod, std::string(text)};
  }
  std::string type = core::to_lower_ascii(text.substr(0, slash));
  std::string name(text.substr(slash + 1));
  if (name.empty() || name.find('/') != std::string::npos)
    return fail(ErrorKind::Usage, fmt::format("{} is not POD or TYPE/NAME", quote_name(text)),
                "write a pod name (web-0) or a type and a name with one slash (deploy/web, "
                "svc/web)");
  for (const auto& k : kKinds) {
    if (std::find(k.names.begin(), k.names.end(), type) == k.names.end() || type.empty()) continue;
    if (k.kind == PodTargetKind::Service && !allow_service) break;
    if (auto valid = check_name(k.display, name, name_rule_for(k.resource)); !valid)
      return fail(valid.error());
    return PodTarget{k.kind, std::move(name)};
  }
  return fail(ErrorKind::Usage, fmt::format("cannot use a target of type \"{}\" here", type),
              allow_service ? "use a pod, deploy/NAME, rs/NAME, sts/NAME, ds/NAME, job/NAME or svc/NAME"
                            : "use a pod, deploy/NAME, rs/NAME, sts/NAME, ds/NAME or job/NAME");
}

std::string describe(const PodTarget& target) {
  return fmt::format("{}/{}", info(target.kind).display, target.name);
}

bool selects_pods(const PodTarget& target) { return target.kind != PodTargetKind::Pod; }

Result<std::string> label_selector_string(const nlohmann::json& selector, std::string_view owner) {
  std::vector<std::string> terms;
  if (selector.is_object()) {
    auto labels = selector.find("matchLabels");
    if (labels != selector.end() && labels->is_object())
      for (const auto& [key, value] : labels->items())
        terms.push_back(fmt::format("{}={}", key, value.is_string() ? value.get<std::string>() : value.dump()));
    auto expressions = selector.find("matchExpressions");
    if (expressions != selector.end() && expressions->is_array()) {
      for (const auto& e : *expressions) {
        std::string key = json_string(e, "key");
        std::string op = json_string(e, "operator");
        // Without a key, "Exists" would add an empty term and an otherwise empty selector would
        // select every pod (found by tests/fuzz/api/pod_targets).
        if (key.empty())
          return fail(ErrorKind::Invalid,
                      fmt::format("{} has a selector expression without a key", owner));
        std::string values = selector_values(json_array(e, "values"));
        if (op == "In") terms.push_back(fmt::format("{} in ({})", key, values));
        else if (op == "NotIn") terms.push_back(fmt::format("{} notin ({})", key, values));
        else if (op == "Exists") terms.push_back(key);
        else if (op == "DoesNotExist") terms.push_back("!" + key);
        else
          return fail(ErrorKind::Invalid,
                      fmt::format("{} has a selector operator orka does not know: \"{}\"", owner, op));
      }
    }
  }
  if (terms.empty())
    return fail(ErrorKind::Invalid, fmt::format("{} has an empty selector", owner),
                "an empty selector would match every pod in the namespace; name a pod instead");
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += ',';
    out += t;
  }
  return out;
}

ApiPath pod_target_list_path(PodTargetKind kind, std::string_view namespace_) {
  return collection_path(info(kind), namespace_);
}

Result<nlohmann::json> get_target(Client& client, const std::string& namespace_,
                                  const PodTarget& target, const CancelToken& cancel) {
  const auto& k = info(target.kind);
  Permission needed;
  needed.verb = "get";
  needed.group = std::string(k.group);
  needed.resource = std::string(k.resource);
  needed.namespace_ = namespace_;
  needed.name = target.name;
  if (auto valid = check_namespace(namespace_); !valid) return fail(valid.error());
  auto object = get_json(client, object_path(k, namespace_, target.name), cancel, needed);
  if (!object) return fail(explain_not_found(client, object.error(), namespace_, cancel));
  return object;
}

Result<std::string> target_selector(Client& client, const std::string& namespace_,
                                    const PodTarget& target, const CancelToken& cancel) {
  auto object = get_target(client, namespace_, target, cancel);
  if (!object) return fail(object.error());
  const std::string owner = describe(target);
  nlohmann::json selector;
  auto pointer = nlohmann::json::json_pointer("/spec/selector");
  if (object->contains(pointer)) selector = object->at(pointer);
  if (target.kind == PodTargetKind::Service) {
    // A service's selector is a plain map; without one it has no pods of its own.
    if (!selector.is_object() || selector.empty())
      return fail(ErrorKind::Invalid, fmt::format("{} has no selector, so no pods back it", owner),
                  "forward to a pod directly");
    return label_selector_string(nlohmann::json{{"matchLabels", selector}}, owner);
  }
  return label_selector_string(selector, owner);
}

Result<void> check_pod_names(std::string_view namespace_, std::string_view pod) {
  if (auto valid = check_namespace(namespace_); !valid) return valid;
  return check_name("pod", pod, NameRule::Dns1123Subdomain);
}

ApiPath pods_path(std::string_view namespace_) {
  return collection_path(info(PodTargetKind::Pod), namespace_);
}

ApiPath pod_path(std::string_view namespace_, std::string_view pod) {
  return pods_path(namespace_).segment(pod);
}

Result<nlohmann::json> get_pod(Client& client, const std::string& namespace_,
                               const std::string& name, const CancelToken& cancel) {
  Permission needed{"get", "", "pods", "", namespace_, name};
  if (auto valid = check_pod_names(namespace_, name); !valid) return fail(valid.error());
  auto pod = get_json(client, pod_path(namespace_, name), cancel, needed);
  if (!pod) return fail(explain_not_found(client, pod.error(), namespace_, cancel));
  return pod;
}

Result<std::vector<nlohmann::json>> list_pods(Client& client, const std::string& namespace_,
                                              const std::string& selector,
                                              const CancelToken& cancel) {
  Permission needed{"list", "", "pods", "", namespace_, ""};
  if (auto valid = check_namespace(namespace_); !valid) return fail(valid.error());
  ApiPath path = pods_path(namespace_);
  if (!selector.empty()) path.query("labelSelector", selector);
  auto list = get_json(client, path, cancel, needed);
  if (!list) return fail(list.error());
  std::vector<nlohmann::json> pods;
  auto items = list->find("items");
  if (items != list->end() && items->is_array())
    for (auto& item : *items) pods.push_back(std::move(item));
  return pods;
}

Result<std::vector<nlohmann::json>> resolve_pods(Client& client, const std::string& namespace_,
                                                 const PodTarget& target, const CancelToken& cancel) {
  if (target.kind == PodTargetKind::Pod) {
    auto pod = get_pod(client, namespace_, target.name, cancel);
    if (!pod) return fail(pod.error());
    return std::vector<nlohmann::json>{std::move(*pod)};
  }
  auto selector = target_selector(client, namespace_, target, cancel);
  if (!selector) return fail(selector.error());
  return list_pods(client, namespace_, *selector, cancel);
}

std::string pod_name(const nlohmann::json& pod) {
  return string_at(pod, nlohmann::json::json_pointer("/metadata/name"));
}

std::string pod_uid(const nlohmann::json& pod) {
  return string_at(pod, nlohmann::json::json_pointer("/metadata/uid"));
}

bool pod_deleting(const nlohmann::json& pod) {
  return !string_at(pod, nlohmann::json::json_pointer("/metadata/deletionTimestamp")).empty();
}

bool pod_running(const nlohmann::json& pod) {
  return string_at(pod, nlohmann::json::json_pointer("/status/phase")) == "Running";
}

bool pod_ready(const nlohmann::json& pod) {
  auto pointer = nlohmann::json::json_pointer("/status/conditions");
  if (!pod.contains(pointer) || !pod.at(pointer).is_array()) return false;
  for (const auto& c : pod.at(pointer))
    if (json_string(c, "type") == "Ready") return json_string(c, "status") == "True";
  return false;
}

std::vector<std::string> container_names(const nlohmann::json& pod, bool include_init) {
  std::vector<std::string> names;
  auto add = [&](const char* field) {
    auto pointer = nlohmann::json::json_pointer(std::string("/spec/") + field);
    if (!pod.contains(pointer) || !pod.at(pointer).is_array()) return;
    for (const auto& c : pod.at(pointer))
      if (c.contains("name") && c["name"].is_string()) names.push_back(c["name"].get<std::string>());
  };
  if (include_init) add("initContainers");
  add("containers");
  return names;
}

std::string default_container(const nlohmann::json& pod) {
  std::string annotated = string_at(
      pod, nlohmann::json::json_pointer("/metadata/annotations/kubectl.kubernetes.io~1default-container"));
  if (!annotated.empty()) return annotated;
  auto names = container_names(pod, false);
  return names.empty() ? std::string() : names.front();
}

Result<nlohmann::json> pick_pod(const std::vector<nlohmann::json>& pods, const PodTarget& target,
                                const std::string& namespace_) {
  const nlohmann::json* best = nullptr;
  auto created = [](const nlohmann::json* pod) {
    return string_at(*pod, nlohmann::json::json_pointer("/metadata/creationTimestamp"));
  };
  for (int pass = 0; pass < 2 && best == nullptr; ++pass) {
    for (const auto& pod : pods) {
      if (pod_deleting(pod) || !pod_running(pod)) continue;
      if (pass == 0 && !pod_ready(pod)) continue;
      if (best == nullptr || created(&pod) < created(best)) best = &pod;
    }
  }
  if (best == nullptr)
    return fail(ErrorKind::NotFound,
                fmt::format("{} in namespace \"{}\" has no running pod", describe(target), namespace_),
                "check `kubectl get pods` for the pods it selects and why they are not running");
  return *best;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
