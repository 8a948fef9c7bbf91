// In-cluster configuration: the API server from KUBERNETES_SERVICE_HOST/PORT and the pod's
// service-account token, CA and namespace (client-go's rest.InClusterConfig).
#pragma once

#include <optional>
#include <string>

#include "kubeconfig/loading_rules.hpp"
#include "kubeconfig/rest_config.hpp"

namespace orka::core {

// True when both variables are set and the token and ca.crt files exist.
bool in_cluster_available(const EnvLookup& getenv, const std::string& service_account_dir);

// `namespace_override` wins over the service account's namespace file; then "default".
Result<RestConfig> load_in_cluster_config(const EnvLookup& getenv,
                                          const std::string& service_account_dir,
                                          const std::optional<std::string>& namespace_override);

}  // namespace orka::core
