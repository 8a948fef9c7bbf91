// The capability table behind `orka ops caps`: per op, what discovery must show (OFFERED)
// and which RBAC checks must pass (ALLOWED).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orka/discovery.hpp"

namespace orka::core {

struct CapabilityCheck {
  Permission permission;
  bool namespaced = true;                  // false for nodes: the check is cluster-scoped
  std::optional<AccessDecision> decision;  // empty until checked, or when the check failed
  std::string error;                       // why the check could not be made
};

struct Capability {
  std::string op;         // "logs", "exec", ...
  bool offered = false;
  std::string offered_detail;  // what discovery showed, or what it lacks
  std::string transport;       // exec and pf: what --transport auto picks; empty otherwise
  std::vector<std::string> transport_fallbacks;  // tried in order when the server refuses it
  std::vector<CapabilityCheck> checks;
  std::vector<std::string> notes;
  std::optional<std::string> eviction_group_version;  // drain only
  std::vector<std::string> scalable;                  // scale only: every type with /scale

  // True/false once every check has a decision; empty when a check is missing or failed.
  std::optional<bool> allowed() const;
};

// What each op needs in namespace `ns`, judged against discovery. Checks are not run yet.
std::vector<Capability> plan_capabilities(const std::vector<ApiResource>& resources,
                                          const std::optional<std::string>& eviction_group_version,
                                          const std::string& ns);

// "get pods/log in namespace \"web\"", "list pods in all namespaces", "patch nodes (cluster-scoped)".
std::string describe_check(const CapabilityCheck& check);

}  // namespace orka::core
