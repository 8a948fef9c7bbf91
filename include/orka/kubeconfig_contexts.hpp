// The contexts a kubeconfig offers, read without any request and without touching a credential:
// what shell completion lists for --context, who a cached list of names belongs to, and what
// `--context a,b` / `--all-contexts` fan out over (contexts.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orka/error.hpp"
#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct KubeconfigContext {
  std::string name;
  std::string cluster;
  std::string server;  // the cluster's URL; empty when the cluster is not defined
  std::string user;    // the user entry's name (never anything of its credentials)
  std::string namespace_;
};

struct KubeconfigContexts {
  std::vector<std::string> files;            // the files read, highest precedence first
  std::vector<KubeconfigContext> contexts;   // sorted by name
  std::string current_context;

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& context : contexts) out.push_back(context.name);
    return out;
  }

  // `name`, or the current context when `name` is empty; nullptr when there is no such context.
  const KubeconfigContext* find(const std::string& name) const {
    const std::string& wanted = name.empty() ? current_context : name;
    for (const auto& context : contexts)
      if (context.name == wanted) return &context;
    return nullptr;
  }
};

// The files --kubeconfig, KUBECONFIG or ~/.kube/config name, merged by client-go's rules.
ORKA_API Result<KubeconfigContexts> read_kubeconfig_contexts(
    const std::optional<std::string>& explicit_path);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
