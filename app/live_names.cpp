#include "live_names.hpp"

#include <fmt/format.h>

#include <thread>

#include "orka/kubeconfig_contexts.hpp"
#include "orka/pod_target_lists.hpp"
#include "orka/pod_targets.hpp"

namespace orka::cli {

namespace {

// Only the metadata of each object: a list of names costs a fraction of the full objects.
constexpr const char* kMetadataListAccept =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

std::string_view kind_key(ValueKind kind) {
  switch (kind) {
    case ValueKind::Pods: return "pods";
    case ValueKind::Workloads: return "workloads";
    case ValueKind::Services: return "services";
    case ValueKind::Nodes: return "nodes";
    case ValueKind::Namespaces: return "namespaces";
    case ValueKind::Contexts: return "contexts";
    case ValueKind::Containers: return "containers";
    case ValueKind::Ports: return "ports";
    case ValueKind::Files: return "files";
    case ValueKind::Directories: return "directories";
  }
  return "?";
}

std::vector<std::string> item_names(const nlohmann::json& list) {
  std::vector<std::string> names;
  if (!list.is_object() || !list.contains("items") || !list["items"].is_array()) return names;
  for (const auto& item : list["items"]) {
    const auto name = item.value("/metadata/name"_json_pointer, std::string());
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

Result<nlohmann::json> list_metadata(Client& client, ApiPath path, std::chrono::milliseconds timeout,
                                     const CancelToken& cancel) {
  Request request;
  request.path = path.query("limit", std::to_string(kNameListLimit)).str();
  request.accept = kMetadataListAccept;
  request.timeout = timeout;
  auto response = client.send(request, cancel);
  if (!response) return fail(response.error());
  auto document = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return fail(ErrorKind::Invalid, "the list is not JSON");
  return document;
}

// The pod spec of a target: the pod's own, or the template of a workload.
const nlohmann::json* pod_spec_of(const nlohmann::json& object, PodTargetKind kind) {
  const auto pointer = kind == PodTargetKind::Pod ? "/spec"_json_pointer : "/spec/template/spec"_json_pointer;
  if (!object.contains(pointer) || !object.at(pointer).is_object()) return nullptr;
  return &object.at(pointer);
}

void add_container_ports(const nlohmann::json& spec, std::vector<std::string>& out) {
  for (const char* list : {"containers", "initContainers"}) {
    if (!spec.contains(list) || !spec[list].is_array()) continue;
    for (const auto& container : spec[list]) {
      if (!container.is_object() || !container.contains("ports") || !container["ports"].is_array())
        continue;
      for (const auto& port : container["ports"]) {
        if (!port.is_object()) continue;
        const auto name = port.value("name", std::string());
        if (!name.empty()) out.push_back(name);
        if (port.contains("containerPort") && port["containerPort"].is_number_integer())
          out.push_back(std::to_string(port["containerPort"].get<long long>()));
      }
    }
  }
}

void add_service_ports(const nlohmann::json& service, std::vector<std::string>& out) {
  const auto pointer = "/spec/ports"_json_pointer;
  if (!service.contains(pointer) || !service.at(pointer).is_array()) return;
  for (const auto& port : service.at(pointer)) {
    if (!port.is_object()) continue;
    const auto name = port.value("name", std::string());
    if (!name.empty()) out.push_back(name);
    if (port.contains("port") && port["port"].is_number_integer())
      out.push_back(std::to_string(port["port"].get<long long>()));
  }
}

}  // namespace

std::vector<std::string> LiveNames::names(const NameQuery& query) {
  // Contexts are the kubeconfig's own: no request, nothing to keep.
  auto kubeconfig = read_kubeconfig_contexts(flags_.kubeconfig);
  if (query.kind == ValueKind::Contexts) {
    std::vector<std::string> names;
    if (kubeconfig)
      for (const auto& context : kubeconfig->contexts) names.push_back(context.name);
    return names;
  }

  std::string namespace_;
  if (query.namespace_) {
    namespace_ = *query.namespace_;
  } else if (auto fallback = services_.default_namespace()) {
    namespace_ = *fallback;
  } else {
    return {};
  }

  // Whose names these are: the server, the user entry and the files it came from — names of
  // things, never a credential (the file name is a digest of all this anyway).
  std::string identity;
  const KubeconfigContext* context =
      kubeconfig ? kubeconfig->find(flags_.context.value_or("")) : nullptr;
  if (context != nullptr) {
    identity = fmt::format("server={}\nuser={}\ncontext={}\nfiles={}", context->server,
                           context->user, context->name, fmt::join(kubeconfig->files, ":"));
  } else if (auto client = services_.client()) {
    identity = "server=" + (*client)->server();
  } else {
    return {};
  }
  const std::string key = fmt::format("{}\nnamespace={}\nkind={}\ntype={}\ntarget={}", identity,
                                      namespace_, kind_key(query.kind), query.type, query.target);
  if (cache_)
    if (auto cached = read_cached_names(*cache_, key)) return *cached;

  // One deadline for everything the list needs (connecting, TLS, the answer): the token is
  // cancelled when it passes, which closes the socket under any read.
  CancelToken cancel;
  CancelToken finished;
  std::thread deadline([this, cancel, finished] {
    if (!finished.wait_for(timeout_)) cancel.cancel();
  });
  std::vector<std::string> names;
  try {
    names = fetch(query, namespace_, cancel);
  } catch (...) {
    names.clear();
  }
  const bool in_time = !cancel.cancelled();
  finished.cancel();
  deadline.join();
  if (!in_time) return {};
  if (cache_ && !names.empty()) write_cached_names(*cache_, key, names);
  return names;
}

std::vector<std::string> LiveNames::fetch(const NameQuery& query, const std::string& namespace_,
                                          const CancelToken& cancel) {
  auto client_result = services_.client();
  if (!client_result) return {};
  Client& client = **client_result;
  const auto core_v1 = [] { return ApiPath::group_version("", "v1"); };

  std::optional<ApiPath> list;
  switch (query.kind) {
    case ValueKind::Pods: list = pods_path(namespace_); break;
    case ValueKind::Nodes: list = core_v1().segment("nodes"); break;
    case ValueKind::Namespaces: list = core_v1().segment("namespaces"); break;
    case ValueKind::Workloads:
    case ValueKind::Services: {
      auto target = parse_pod_target(query.type + "/x", /*allow_service=*/true);
      if (!target || target->kind == PodTargetKind::Pod) return {};
      list = pod_target_list_path(target->kind, namespace_);
      break;
    }
    default: break;
  }
  if (list) {
    auto document = list_metadata(client, *list, timeout_, cancel);
    return document ? item_names(*document) : std::vector<std::string>{};
  }

  if (query.kind != ValueKind::Containers && query.kind != ValueKind::Ports) return {};
  auto target = parse_pod_target(query.target, /*allow_service=*/query.kind == ValueKind::Ports);
  if (!target) return {};
  auto object = target->kind == PodTargetKind::Pod ? get_pod(client, namespace_, target->name, cancel)
                                                   : get_target(client, namespace_, *target, cancel);
  if (!object) return {};
  std::vector<std::string> names;
  if (target->kind == PodTargetKind::Service) {
    add_service_ports(*object, names);
    return names;
  }
  const nlohmann::json* spec = pod_spec_of(*object, target->kind);
  if (spec == nullptr) return {};
  if (query.kind == ValueKind::Ports) {
    add_container_ports(*spec, names);
    return names;
  }
  // container_names reads a pod; a workload's template is given the same shape.
  return container_names(nlohmann::json{{"spec", *spec}}, /*include_init=*/true);
}

}  // namespace orka::cli
