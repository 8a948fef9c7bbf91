#include "discovery/capabilities.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace orka::core {

namespace {

const ApiResource* find(const std::vector<ApiResource>& resources, std::string_view group,
                        std::string_view name) {
  for (const auto& resource : resources)
    if (resource.group == group && resource.resource == name) return &resource;
  return nullptr;
}

bool has_verb(const ApiResource& resource, std::string_view verb) {
  // Some aggregated servers omit verbs; absence is not proof the verb is missing.
  if (resource.verbs.empty()) return true;
  return std::find(resource.verbs.begin(), resource.verbs.end(), verb) != resource.verbs.end();
}

std::string qualified(const ApiResource& resource) {
  return resource.group.empty() ? resource.resource : resource.resource + "." + resource.group;
}

CapabilityCheck check(std::string verb, std::string group, std::string resource,
                      std::string subresource, std::string ns, bool namespaced = true) {
  CapabilityCheck c;
  c.permission.verb = std::move(verb);
  c.permission.group = std::move(group);
  c.permission.resource = std::move(resource);
  c.permission.subresource = std::move(subresource);
  c.permission.namespace_ = namespaced ? std::move(ns) : std::string();
  c.namespaced = namespaced;
  return c;
}

// Offered when `group`/`name` exists, has `verb`, and (when given) the subresource.
void judge(Capability& cap, const std::vector<ApiResource>& resources, std::string_view group,
           std::string_view name, std::string_view verb, std::string_view subresource = {}) {
  const ApiResource* resource = find(resources, group, name);
  std::string what = group.empty() ? std::string(name) : fmt::format("{}.{}", name, group);
  if (!subresource.empty()) what += fmt::format("/{}", subresource);
  std::string problem;
  if (resource == nullptr)
    problem = fmt::format("the cluster serves no {}", group.empty() ? std::string(name)
                                                                     : fmt::format("{}.{}", name, group));
  else if (!subresource.empty() && !resource->has_subresource(subresource))
    problem = fmt::format("the cluster serves no {} subresource", what);
  else if (subresource.empty() && !has_verb(*resource, verb))
    problem = fmt::format("{} does not support \"{}\"", what, verb);
  if (!problem.empty()) {
    if (cap.offered) cap.offered_detail = problem;  // the first problem explains it
    cap.offered = false;
    return;
  }
  if (cap.offered)
    cap.offered_detail += (cap.offered_detail.empty() ? "" : ", ") +
                          fmt::format("{} ({})", what, resource->group_version());
}

Capability start(std::string op) {
  Capability cap;
  cap.op = std::move(op);
  cap.offered = true;
  return cap;
}

}  // namespace

std::optional<bool> Capability::allowed() const {
  bool all = true;
  for (const auto& c : checks) {
    if (!c.decision) return std::nullopt;
    all = all && c.decision->allowed;
  }
  return all;
}

std::vector<Capability> plan_capabilities(const std::vector<ApiResource>& resources,
                                          const std::optional<std::string>& eviction_group_version,
                                          const std::string& ns) {
  std::vector<Capability> caps;
  const std::string websocket_note =
      "a WebSocket upgrade is a GET, authorized as \"get\" by API servers before 1.35 and as "
      "\"create\" by newer ones; a SPDY upgrade is a POST (\"create\"): both are checked";

  {
    auto cap = start("logs");
    judge(cap, resources, "", "pods", "get", "log");
    cap.checks.push_back(check("get", "", "pods", "log", ns));
    caps.push_back(std::move(cap));
  }
  for (auto [op, sub] : {std::pair{"exec", "exec"}, std::pair{"pf", "portforward"}}) {
    auto cap = start(op);
    judge(cap, resources, "", "pods", "create", sub);
    cap.transport = "WebSocket";  // until the server version is known (choose_transports)
    cap.checks.push_back(check("create", "", "pods", sub, ns));
    cap.checks.push_back(check("get", "", "pods", sub, ns));
    cap.notes.push_back(websocket_note);
    caps.push_back(std::move(cap));
  }
  {
    auto cap = start("scale");
    judge(cap, resources, "apps", "deployments", "patch", "scale");
    cap.checks.push_back(check("get", "apps", "deployments", "scale", ns));
    cap.checks.push_back(check("patch", "apps", "deployments", "scale", ns));
    for (const auto& resource : resources)
      if (resource.has_subresource("scale")) cap.scalable.push_back(qualified(resource));
    if (!cap.scalable.empty())
      cap.notes.push_back(fmt::format(
          "works for any resource with a /scale subresource ({}); checked for deployments",
          fmt::join(cap.scalable, ", ")));
    caps.push_back(std::move(cap));
  }
  {
    auto cap = start("rr");
    judge(cap, resources, "apps", "deployments", "patch");
    cap.checks.push_back(check("patch", "apps", "deployments", "", ns));
    caps.push_back(std::move(cap));
  }
  {
    auto cap = start("delete");
    judge(cap, resources, "", "pods", "delete");
    cap.checks.push_back(check("delete", "", "pods", "", ns));
    caps.push_back(std::move(cap));
  }
  {
    auto cap = start("cordon");
    judge(cap, resources, "", "nodes", "patch");
    cap.checks.push_back(check("patch", "", "nodes", "", "", /*namespaced=*/false));
    caps.push_back(std::move(cap));
  }
  {
    auto cap = start("drain");
    judge(cap, resources, "", "nodes", "patch");
    judge(cap, resources, "", "pods", "list");
    cap.checks.push_back(check("patch", "", "nodes", "", "", /*namespaced=*/false));
    // Pods on a node live in every namespace: the checks are for all namespaces.
    cap.checks.push_back(check("list", "", "pods", "", ""));
    cap.eviction_group_version = eviction_group_version;
    if (eviction_group_version) {
      // RBAC sees the URL (/api/v1/.../pods/<name>/eviction): core group, whatever
      // group/version the Eviction body carries.
      cap.checks.push_back(check("create", "", "pods", "eviction", ""));
      cap.notes.push_back(fmt::format(
          "evicts through {} Eviction, so PodDisruptionBudgets are honoured",
          *eviction_group_version));
    } else {
      cap.checks.push_back(check("delete", "", "pods", "", ""));
      cap.notes.push_back(
          "the cluster serves no pods/eviction: drain deletes pods instead, without "
          "PodDisruptionBudget protection");
    }
    caps.push_back(std::move(cap));
  }
  return caps;
}

std::string describe_check(const CapabilityCheck& check) {
  const auto& p = check.permission;
  std::string what = p.resource;
  if (!p.group.empty()) what += "." + p.group;
  if (!p.subresource.empty()) what += "/" + p.subresource;
  std::string where;
  if (!check.namespaced)
    where = "(cluster-scoped)";
  else if (p.namespace_.empty())
    where = "in all namespaces";
  else
    where = fmt::format("in namespace \"{}\"", p.namespace_);
  return fmt::format("{} {} {}", p.verb, what, where);
}

}  // namespace orka::core
