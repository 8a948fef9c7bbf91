// Exec credential plugins (client.authentication.k8s.io/v1 and v1beta1), the way client-go's
// plugin/pkg/client/auth/exec runs them: KUBERNETES_EXEC_INFO in, an ExecCredential out on
// stdout, cached until status.expirationTimestamp.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kubeconfig/kubeconfig_model.hpp"
#include "kubeconfig/rest_config.hpp"

namespace orka::core {

// What provideClusterInfo hands the plugin (spec.cluster).
struct ExecClusterInfo {
  std::string server;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string certificate_authority_pem;
  std::string proxy_url;
};

struct ExecAuthSettings {
  std::string user_name;  // the kubeconfig user, for messages
  ExecConfig config;
  Credentials base;                      // kubeconfig credentials the plugin's result overlays
  std::string path_list;                 // PATH used to find a bare command name
  std::vector<std::string> environment;  // the host's "NAME=value" environment, inherited
  std::chrono::milliseconds timeout{60000};
  bool stdin_is_terminal = false;
  std::optional<ExecClusterInfo> cluster;  // set when provideClusterInfo is true
};

class ExecAuth final : public AuthProvider {
 public:
  // Validates apiVersion, command and interactiveMode (v1 requires it; Always needs a terminal).
  static Result<std::shared_ptr<ExecAuth>> create(ExecAuthSettings settings);

  // Cached credentials while unexpired; otherwise runs the plugin.
  Result<Credentials> credentials(const CancelToken& cancel) override;
  // Runs the plugin again regardless of the cache (the server rejected what it gave).
  Result<Credentials> refresh(const CancelToken& cancel) override;
  std::string describe() const override;
  // Says so when the plugin's last credential carried an expirationTimestamp already past.
  std::string rejection_note() const override;

  // The KUBERNETES_EXEC_INFO value the plugin receives.
  std::string exec_info_json() const;

 private:
  explicit ExecAuth(ExecAuthSettings settings, bool interactive);
  Result<Credentials> run_plugin(const CancelToken& cancel);  // caller holds mutex_
  Result<Credentials> parse_output(const std::string& stdout_data);
  std::string plugin_label() const;

  ExecAuthSettings settings_;
  bool interactive_ = false;
  mutable std::mutex mutex_;
  std::optional<Credentials> cached_;
  std::optional<std::chrono::system_clock::time_point> expiry_;
  std::string expiry_text_;  // as the plugin wrote it, for messages
};

}  // namespace orka::core
