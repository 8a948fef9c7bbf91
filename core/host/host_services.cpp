#include "host/host_services.hpp"

#include "orka/cache_dir.hpp"
#include "orka/transport_choice.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "discovery/discovery_client.hpp"
#include "kubeconfig/kubeconfig.hpp"
#include "kubeconfig/kubeconfig_contexts.hpp"
#include "orka/object_names.hpp"
#include "transport/http_client.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {
ContextNamespaces::~ContextNamespaces() = default;
}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka

namespace orka::core {


HostServices::HostServices(HostOptions options,
                           std::function<std::vector<std::string>()> loaded_plugins)
    : options_(std::move(options)), loaded_plugins_(std::move(loaded_plugins)) {}

Result<KubeconfigContexts> HostServices::kubeconfig_contexts() {
  return load_kubeconfig_contexts(options_.kubeconfig, process_getenv);
}

Result<std::shared_ptr<Ops>> HostServices::ops_for_context(const std::string& context) {
  if (context.empty()) return fail(ErrorKind::Invalid, "a context's ops need the context's name");
  HostOptions options = options_;
  options.context = context;
  // Exactly the plugin files this host loaded, not a fresh search: the same ops everywhere.
  options.plugin_paths.clear();
  options.use_env_plugin_path = false;
  options.use_default_plugin_dir = false;
  std::shared_ptr<Host> host = Host::create(std::move(options));
  // The config file's namespace per context (no -n) holds in every context's host too.
  if (auto* namespaces = dynamic_cast<ContextNamespaces*>(&host->services())) {
    std::lock_guard lock(mutex_);
    namespaces->set_context_namespaces(context_namespaces_);
  }
  // A file that loaded here loads there (plugins are never unloaded); one that does not is in
  // that host's load_errors(), and an op it would have provided reports itself missing.
  if (loaded_plugins_)
    for (const auto& path : loaded_plugins_()) (void)host->load_plugin(path);
  Ops& ops = host->ops();
  return std::shared_ptr<Ops>(std::move(host), &ops);  // the Ops keeps its host alive
}

void HostServices::set_context_namespaces(std::map<std::string, std::string> by_context) {
  std::lock_guard lock(mutex_);
  context_namespaces_ = std::move(by_context);
}

void HostServices::log(int level, std::string_view line) {
  if (level > options_.verbosity) return;
  std::lock_guard lock(log_mutex_);
  std::ostream& out = options_.diagnostics != nullptr ? *options_.diagnostics : std::cerr;
  out << line << '\n';
  out.flush();
}

void HostServices::set_client(std::shared_ptr<Client> client) {
  std::lock_guard lock(mutex_);
  client_ = std::move(client);
  client_from_config_ = false;
  discovery_.reset();
  server_version_.reset();
}

Result<ServerVersion> HostServices::server_version(const CancelToken& cancel) {
  std::shared_ptr<Client> client;
  {
    std::lock_guard lock(mutex_);
    if (server_version_) return *server_version_;
    auto got = client_locked();
    if (!got) return fail(got.error());
    client = *got;
  }
  // Asked without the lock: two first askers may both ask, which is harmless.
  auto version = fetch_server_version(*client, cancel);
  if (!version) return fail(version.error());
  std::lock_guard lock(mutex_);
  if (client_ == client) server_version_ = *version;
  return *version;
}

std::optional<DiscoveryDiskCache> HostServices::discovery_disk_cache_locked() const {
  // A client an embedder handed in may point anywhere: its snapshot stays in memory.
  if (!client_from_config_ || !rest_config_) return std::nullopt;
  const auto dir = cache_directory(options_.cache_dir);
  if (!dir) return std::nullopt;
  const RestConfig& config = *rest_config_;
  // Who asks, as far as it decides what discovery shows; no secret goes in (describe() names
  // the kind of credential only).
  std::string identity = fmt::format("user={}\nauth={}\nsni={}\nca={}", config.user_name,
                                     config.auth ? config.auth->describe() : std::string(),
                                     config.tls_server_name, config.certificate_authority_pem);
  return DiscoveryDiskCache{discovery_cache_file(*dir, config.server, identity)};
}

Result<const RestConfig*> HostServices::rest_config_locked() {
  if (!rest_config_) {
    KubeconfigLoadOptions load;
    load.explicit_path = options_.kubeconfig;
    load.context = options_.context;
    load.namespace_ = options_.namespace_;
    load.getenv = process_getenv;
    auto loaded = load_rest_config(load);
    if (!loaded) return std::unexpected(loaded.error());
    for (const auto& warning : loaded->warnings) log(0, "warning: " + warning);
    const bool namespace_given = options_.namespace_ && !options_.namespace_->empty();
    if (auto chosen = context_namespaces_.find(loaded->context_name);
        !namespace_given && chosen != context_namespaces_.end()) {
      log(1, fmt::format("namespace \"{}\": orka's config file sets it for context \"{}\"",
                         chosen->second, loaded->context_name));
      loaded->namespace_ = chosen->second;
    }
    rest_config_ = std::move(*loaded);
  }
  return &*rest_config_;
}

Result<std::shared_ptr<Client>> HostServices::client_locked() {
  if (client_) return client_;
  auto config = rest_config_locked();
  if (!config) return std::unexpected(config.error());
  auto client = make_http_client(**config, [this](int level, std::string_view line) {
    log(level, line);
  });
  if (!client)
    return fail(ErrorKind::Unsupported, "this build of orka has no HTTPS transport",
                "rebuild orka with the transport room, or give the host a client (set_client)");
  client_ = std::move(client);
  client_from_config_ = true;
  return client_;
}

Result<std::shared_ptr<Client>> HostServices::client() {
  std::lock_guard lock(mutex_);
  return client_locked();
}

Result<std::shared_ptr<Discovery>> HostServices::discovery() {
  std::lock_guard lock(mutex_);
  if (discovery_) return discovery_;
  auto client = client_locked();
  if (!client) return std::unexpected(client.error());
  auto discovery = make_discovery(*client, discovery_disk_cache_locked(),
                                  [this](int level, std::string_view line) { log(level, line); });
  if (!discovery)
    return fail(ErrorKind::Unsupported, "this build of orka has no API discovery");
  discovery_ = std::move(discovery);
  return discovery_;
}

Result<std::string> HostServices::default_namespace() {
  auto checked = [](std::string namespace_) -> Result<std::string> {
    // -n and the kubeconfig's namespace go into every namespaced URL an op builds.
    if (auto valid = check_namespace(namespace_); !valid) return fail(valid.error());
    return namespace_;
  };
  if (options_.namespace_ && !options_.namespace_->empty()) return checked(*options_.namespace_);
  std::lock_guard lock(mutex_);
  if (client_) return checked(client_->default_namespace());
  auto config = rest_config_locked();
  if (!config) return std::unexpected(config.error());
  return checked((*config)->namespace_.empty() ? std::string("default") : (*config)->namespace_);
}

}  // namespace orka::core
