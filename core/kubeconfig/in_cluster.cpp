#include "kubeconfig/in_cluster.hpp"

#include <fmt/format.h>

#include "kubeconfig/file_access.hpp"
#include "kubeconfig/token_file_auth.hpp"

namespace orka::core {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

bool in_cluster_available(const EnvLookup& getenv, const std::string& service_account_dir) {
  const auto host = getenv("KUBERNETES_SERVICE_HOST");
  const auto port = getenv("KUBERNETES_SERVICE_PORT");
  return host && !host->empty() && port && !port->empty() &&
         is_regular_file(service_account_dir + "/token") &&
         is_regular_file(service_account_dir + "/ca.crt");
}

Result<RestConfig> load_in_cluster_config(const EnvLookup& getenv,
                                          const std::string& service_account_dir,
                                          const std::optional<std::string>& namespace_override) {
  const std::string host = getenv("KUBERNETES_SERVICE_HOST").value_or("");
  const std::string port = getenv("KUBERNETES_SERVICE_PORT").value_or("");
  if (host.empty() || port.empty())
    return fail(
        ErrorKind::Config,
        "in-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT");

  RestConfig config;
  config.in_cluster = true;
  // An IPv6 service address needs brackets in a URL.
  config.server = host.find(':') != std::string::npos ? fmt::format("https://[{}]:{}", host, port)
                                                      : fmt::format("https://{}:{}", host, port);
  auto ca = read_referenced_file(service_account_dir + "/ca.crt", "in-cluster service account CA");
  if (!ca) return fail(ca.error());
  config.certificate_authority_pem = std::move(*ca);

  auto auth =
      TokenFileAuth::open(service_account_dir + "/token", Credentials{}, "service account token");
  if (!auth) return fail(auth.error());
  config.auth = std::move(*auth);

  if (namespace_override && !namespace_override->empty()) {
    config.namespace_ = *namespace_override;
  } else {
    const std::string namespace_file = service_account_dir + "/namespace";
    if (is_regular_file(namespace_file)) {
      if (auto text = read_referenced_file(namespace_file, "service account namespace"))
        config.namespace_ = trim(*text);
    }
    if (config.namespace_.empty()) config.namespace_ = "default";
  }
  config.context_name = "in-cluster";
  return config;
}

}  // namespace orka::core
