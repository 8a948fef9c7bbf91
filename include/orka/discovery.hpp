// What the cluster serves (API discovery) and what the current user may do (RBAC).
#pragma once

#include <memory>
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

struct ApiResource {
  std::string group;    // "" for core
  std::string version;  // "v1"
  std::string resource; // plural: "deployments"
  std::string kind;     // "Deployment"
  std::string singular;
  bool namespaced = true;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;  // "deploy"
  std::vector<std::string> subresources; // "scale", "status", "log", "exec", "eviction", ...

  bool has_subresource(std::string_view name) const {
    for (const auto& s : subresources)
      if (s == name) return true;
    return false;
  }
  // "/api/v1" or "/apis/apps/v1"
  ORKA_API ApiPath group_version_path() const;
  // ".../namespaces/<ns>/<resource>" (or cluster-scoped ".../<resource>"); names encoded
  ORKA_API ApiPath collection_path(std::string_view namespace_) const;
  ORKA_API ApiPath object_path(std::string_view namespace_, std::string_view name) const;
  std::string group_version() const { return group.empty() ? version : group + "/" + version; }
};

// Discovery results, fetched once per host and cached.
class Discovery {
 public:
  virtual ~Discovery() = default;
  // Every resource the server lists (preferred version of each group first).
  virtual Result<std::vector<ApiResource>> resources(const CancelToken& cancel) = 0;
  // Resolves what a user typed: "deploy", "deployment", "deployments", "deployments.apps",
  // "sts", "foos.example.com" → the resource. NotFound with a hint when unknown.
  virtual Result<ApiResource> resolve(std::string_view type, const CancelToken& cancel) = 0;
  // The group/version serving a subresource of a core resource, e.g. pods/eviction →
  // "policy/v1" or "policy/v1beta1"; nullopt when the cluster lacks it.
  virtual Result<std::optional<std::string>> subresource_group_version(
      std::string_view resource, std::string_view subresource, const CancelToken& cancel) = 0;
};

struct AccessDecision {
  bool allowed = false;
  std::string reason;  // from the SelfSubjectAccessReview status, may be empty
};

// Asks the API server (SelfSubjectAccessReview) whether the current user may do `what`.
ORKA_API Result<AccessDecision> can_i(Client& client, const Permission& what,
                                      const CancelToken& cancel);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
