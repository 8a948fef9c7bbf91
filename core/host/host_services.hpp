// The Services a Host hands to plugins. Nothing is read until first asked for: the kubeconfig
// is loaded, the HTTPS client built and discovery created on first use, then cached.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "discovery/discovery_disk_cache.hpp"
#include "kubeconfig/rest_config.hpp"
#include "orka/context_namespaces.hpp"
#include "orka/contexts.hpp"
#include "orka/host.hpp"
#include "orka/services.hpp"

namespace orka::core {

// Also HostContexts (contexts.hpp): the kubeconfig's contexts and a host per context.
class HostServices final : public Services, public ContextNamespaces, public HostContexts {
 public:
  // `loaded_plugins` lists the plugin files the host has loaded (what a context's host loads).
  HostServices(HostOptions options, std::function<std::vector<std::string>()> loaded_plugins);

  Result<std::shared_ptr<Client>> client() override;
  Result<std::shared_ptr<Discovery>> discovery() override;
  Result<std::string> default_namespace() override;
  int verbosity() const override { return options_.verbosity; }
  void log(int level, std::string_view line) override;
  Result<ServerVersion> server_version(const CancelToken& cancel) override;

  void set_context_namespaces(std::map<std::string, std::string> by_context) override;

  std::optional<std::string> context_option() const override { return options_.context; }
  Result<KubeconfigContexts> kubeconfig_contexts() override;
  Result<std::shared_ptr<Ops>> ops_for_context(const std::string& context) override;

  // Replaces the client (and forgets discovery built on the previous one).
  void set_client(std::shared_ptr<Client> client);

 private:
  // Both expect mutex_ held.
  Result<const RestConfig*> rest_config_locked();
  Result<std::shared_ptr<Client>> client_locked();
  std::optional<DiscoveryDiskCache> discovery_disk_cache_locked() const;

  const HostOptions options_;
  const std::function<std::vector<std::string>()> loaded_plugins_;
  std::mutex mutex_;
  std::map<std::string, std::string> context_namespaces_;  // used when no -n is given
  std::optional<RestConfig> rest_config_;  // cached once loaded; a failed load is retried
  std::shared_ptr<Client> client_;
  bool client_from_config_ = false;  // built from rest_config_ (not handed in by set_client)
  std::shared_ptr<Discovery> discovery_;
  std::optional<ServerVersion> server_version_;  // forgotten with the client it came from
  std::mutex log_mutex_;
};

}  // namespace orka::core
