// The capability table behind `orka ops caps`, built from what the loaded ops declare: per op,
// whether discovery shows what it needs (OFFERED) and which RBAC checks must pass (ALLOWED).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orka/discovery.hpp"
#include "orka/op.hpp"

namespace orka::core {

struct CapabilityCheck {
  Permission permission;
  PermissionScope scope = PermissionScope::Namespace;
  std::optional<AccessDecision> decision;  // empty until checked, or when the check failed
  std::string error;                       // why the check could not be made
};

struct Capability {
  std::string op;  // "logs", "exec", ..., or a third party's op name
  std::uint32_t version = 0;
  std::string provider;
  bool offered = false;
  std::string offered_detail;  // what discovery showed, or what it lacks
  std::string stream_subresource;  // exec and pf: the transport is chosen for it
  std::string transport;           // what --transport auto picks; empty otherwise
  std::vector<std::string> transport_fallbacks;  // tried in order when the server refuses it
  std::vector<CapabilityCheck> checks;
  std::vector<std::string> notes;
  std::vector<std::string> applies_to;  // every resource with the op's applies_to_subresource
  // For each requirement with a subresource the cluster serves: "pods/eviction" → "policy/v1".
  std::vector<std::pair<std::string, std::string>> served_as;

  // True/false once every check has a decision; empty when a check is missing or failed.
  std::optional<bool> allowed() const;
};

// How `resource`/`subresource` is served, for the requirement notes' "{served_as}": the
// group/version of a subresource's kind (pods/eviction → "policy/v1"), nullopt when not served.
using SubresourceVersion = std::function<std::optional<std::string>(
    const std::string& group, const std::string& resource, const std::string& subresource)>;

// What each op needs in namespace `ns`, judged against discovery. Checks are not run yet.
std::vector<Capability> plan_capabilities(const std::vector<OpInfo>& ops,
                                          const std::vector<ApiResource>& resources,
                                          const SubresourceVersion& served_as,
                                          const std::string& ns);

// "get pods/log in namespace \"web\"", "list pods in all namespaces", "patch nodes (cluster-scoped)".
std::string describe_check(const CapabilityCheck& check);

}  // namespace orka::core
