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

std::string qualified(const OpRequirement& requirement) {
  std::string what = requirement.group.empty() ? requirement.resource
                                               : requirement.resource + "." + requirement.group;
  if (!requirement.subresource.empty()) what += "/" + requirement.subresource;
  return what;
}

// Why the cluster cannot serve `requirement`, or "" when it can.
std::string missing(const std::vector<ApiResource>& resources, const OpRequirement& requirement) {
  const ApiResource* resource = find(resources, requirement.group, requirement.resource);
  if (resource == nullptr) {
    OpRequirement whole = requirement;
    whole.subresource.clear();
    return fmt::format("the cluster serves no {}", qualified(whole));
  }
  if (!requirement.subresource.empty()) {
    if (!resource->has_subresource(requirement.subresource))
      return fmt::format("the cluster serves no {} subresource", qualified(requirement));
    return "";
  }
  if (!has_verb(*resource, requirement.verb))
    return fmt::format("{} does not support \"{}\"", qualified(requirement), requirement.verb);
  return "";
}

CapabilityCheck check_for(const OpRequirement& requirement, const std::string& ns) {
  CapabilityCheck check;
  check.permission.verb = requirement.verb;
  check.permission.group = requirement.group;
  check.permission.resource = requirement.resource;
  check.permission.subresource = requirement.subresource;
  check.permission.namespace_ = requirement.scope == PermissionScope::Namespace ? ns : "";
  check.scope = requirement.scope;
  return check;
}

void add_unique(std::vector<std::string>& list, std::string item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

std::string with_served_as(std::string note, const std::optional<std::string>& served_as) {
  const std::string placeholder = "{served_as}";
  auto at = note.find(placeholder);
  if (at != std::string::npos) note.replace(at, placeholder.size(), served_as.value_or("?"));
  return note;
}

// Judges one requirement (or, when the cluster lacks it, its `otherwise`) into `cap`.
void judge(Capability& cap, std::vector<std::string>& detail, const OpRequirement& requirement,
           const std::vector<ApiResource>& resources, const SubresourceVersion& served_as,
           const std::string& ns) {
  std::string problem = missing(resources, requirement);
  if (!problem.empty() && !requirement.otherwise.empty()) {
    for (const auto& alternative : requirement.otherwise)
      judge(cap, detail, alternative, resources, served_as, ns);
    return;
  }
  cap.checks.push_back(check_for(requirement, ns));
  if (!problem.empty()) {
    if (cap.offered) cap.offered_detail = problem;  // the first problem explains it
    cap.offered = false;
    return;
  }
  std::optional<std::string> version;
  if (!requirement.subresource.empty() && served_as)
    version = served_as(requirement.group, requirement.resource, requirement.subresource);
  if (!version) version = find(resources, requirement.group, requirement.resource)->group_version();
  if (!requirement.subresource.empty())
    cap.served_as.emplace_back(requirement.resource + "/" + requirement.subresource, *version);
  add_unique(detail, fmt::format("{} ({})", qualified(requirement), *version));
  if (!requirement.note.empty()) add_unique(cap.notes, with_served_as(requirement.note, version));
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

std::vector<Capability> plan_capabilities(const std::vector<OpInfo>& ops,
                                          const std::vector<ApiResource>& resources,
                                          const SubresourceVersion& served_as,
                                          const std::string& ns) {
  std::vector<Capability> caps;
  for (const auto& op : ops) {
    // An op provided in several interface versions (logs 1 and 2) is judged once, as its newest.
    const bool superseded = std::any_of(ops.begin(), ops.end(), [&op](const OpInfo& other) {
      return other.name == op.name && other.version > op.version;
    });
    if (superseded) continue;
    const OpDeclaration& declared = op.declaration;
    Capability cap;
    cap.op = op.name;
    cap.version = op.version;
    cap.provider = op.provider;
    cap.offered = true;
    cap.stream_subresource = declared.stream_subresource;
    std::vector<std::string> detail;
    for (const auto& requirement : declared.requirements)
      judge(cap, detail, requirement, resources, served_as, ns);
    if (cap.offered) cap.offered_detail = fmt::format("{}", fmt::join(detail, ", "));
    if (!declared.applies_to_subresource.empty()) {
      for (const auto& resource : resources)
        if (resource.has_subresource(declared.applies_to_subresource))
          add_unique(cap.applies_to, qualified(resource));
      if (!cap.applies_to.empty())
        cap.notes.push_back(fmt::format("works for any resource with a /{} subresource ({})",
                                        declared.applies_to_subresource,
                                        fmt::join(cap.applies_to, ", ")));
    }
    for (const auto& note : declared.notes) add_unique(cap.notes, note);
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
  switch (check.scope) {
    case PermissionScope::Cluster: where = "(cluster-scoped)"; break;
    case PermissionScope::AllNamespaces: where = "in all namespaces"; break;
    case PermissionScope::Namespace: where = fmt::format("in namespace \"{}\"", p.namespace_); break;
  }
  return fmt::format("{} {} {}", p.verb, what, where);
}

}  // namespace orka::core
