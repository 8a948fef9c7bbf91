// The context names of the kubeconfig files client-go's loading rules pick (--kubeconfig, else
// every KUBECONFIG file merged, else ~/.kube/config): what `--all-contexts` fans out over and
// what an unknown `--context` name is checked against. Internal to liborka.
#pragma once

#include <optional>
#include <string>

#include "kubeconfig/loading_rules.hpp"
#include "orka/kubeconfig_contexts.hpp"
#include "orka/error.hpp"

namespace orka::core {

// Reads and merges the files; no credential is loaded. No kubeconfig at all is no context (not
// an error: in a pod the service account is the one context), an unreadable one is its error.
Result<KubeconfigContexts> load_kubeconfig_contexts(const std::optional<std::string>& explicit_path,
                                                    const EnvLookup& getenv);

}  // namespace orka::core
