// Loading kubeconfig files the way client-go's clientcmd does. Internal to liborka.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "kubeconfig/rest_config.hpp"
#include "orka/error.hpp"

namespace orka::core {

struct KubeconfigLoadOptions {
  std::optional<std::string> explicit_path;  // --kubeconfig: only this file, no merging
  std::optional<std::string> context;        // --context
  std::optional<std::string> namespace_;     // -n
  // Environment lookup (tests inject their own). Reads KUBECONFIG, HOME,
  // KUBERNETES_SERVICE_HOST/PORT.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // Where the in-cluster service-account files live (tests override).
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  // How long one exec credential plugin run may take before it is killed.
  std::chrono::milliseconds exec_timeout = std::chrono::seconds(60);
  // Whether an exec plugin may talk to the user (interactiveMode); unset: isatty(stdin).
  std::optional<bool> stdin_is_terminal;
};

Result<RestConfig> load_rest_config(const KubeconfigLoadOptions& options);

}  // namespace orka::core
