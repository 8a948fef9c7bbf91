#include "kubeconfig/kubeconfig.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "util/base64.hpp"
#include "kubeconfig/exec_auth.hpp"
#include "kubeconfig/file_access.hpp"
#include "kubeconfig/in_cluster.hpp"
#include "kubeconfig/kubeconfig_parser.hpp"
#include "kubeconfig/loading_rules.hpp"
#include "kubeconfig/static_auth.hpp"
#include "kubeconfig/token_file_auth.hpp"

extern char** environ;

namespace orka::core {
namespace {

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) text += separator;
    text += item;
  }
  return text;
}

template <class Entry>
std::string available_names(const std::map<std::string, Entry>& entries, std::string_view noun) {
  if (entries.empty()) return fmt::format("the kubeconfig defines no {}", noun);
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries) names.push_back("\"" + name + "\"");
  return fmt::format("available {}: {}", noun, join(names));
}

std::string where(const EntryOrigin& origin) {
  return origin.line > 0 ? fmt::format("{}:{}", origin.file, origin.line) : origin.file;
}

const char* kDataHint =
    "*-data fields hold base64-encoded PEM, e.g. the output of `base64 -w0 ca.crt`";

// A *-data field: base64 → PEM. The error names the field and entry, never the content.
Result<std::string> decode_pem_field(const std::string& base64_text, std::string_view field,
                                     std::string_view entry, const EntryOrigin& origin) {
  auto decoded = decode_base64(base64_text);
  if (!decoded)
    return fail(ErrorKind::Config,
                fmt::format("{} of {} ({}) is not valid base64", field, entry, where(origin)),
                kDataHint);
  if (decoded->find("-----BEGIN") == std::string::npos)
    return fail(
        ErrorKind::Config,
        fmt::format("{} of {} ({}) does not decode to a PEM block", field, entry, where(origin)),
        kDataHint);
  return std::move(*decoded);
}

Result<std::string> read_pem_file(const std::string& path, std::string_view field,
                                  std::string_view entry) {
  auto content = read_referenced_file(path, fmt::format("{} of {}", field, entry));
  if (!content) return fail(content.error());
  if (content->find("-----BEGIN") == std::string::npos)
    return fail(ErrorKind::Config,
                fmt::format("{} of {}: {} does not contain a PEM block", field, entry, path),
                "point it at a PEM file (-----BEGIN ...-----)");
  return std::move(*content);
}

// PEM from either the file or the inline -data field; inline wins, as in client-go.
Result<std::string> pem_from(const std::string& path, const std::string& data,
                             std::string_view file_field, std::string_view entry,
                             const EntryOrigin& origin, std::vector<std::string>& warnings) {
  if (!data.empty()) {
    if (!path.empty())
      warnings.push_back(fmt::format("{} sets both {} and {}-data; using {}-data", entry,
                                     file_field, file_field, file_field));
    return decode_pem_field(data, std::string(file_field) + "-data", entry, origin);
  }
  if (!path.empty()) return read_pem_file(path, file_field, entry);
  return std::string();
}

std::string normalise_server(std::string server) {
  if (server.find("://") == std::string::npos) server = "https://" + server;
  while (server.size() > 1 && server.back() == '/') server.pop_back();
  return server;
}

Result<void> apply_cluster(const std::string& name, const ClusterEntry& cluster,
                           const std::string& context_name, RestConfig& config) {
  const std::string entry = fmt::format("cluster \"{}\"", name);
  if (cluster.server.empty())
    return fail(ErrorKind::Config,
                fmt::format("{} ({}) used by context \"{}\" has no server", entry,
                            where(cluster.origin), context_name),
                "set clusters[].cluster.server to the API server URL, e.g. https://host:6443");
  const bool has_ca =
      !cluster.certificate_authority.empty() || !cluster.certificate_authority_data.empty();
  if (cluster.insecure_skip_tls_verify && has_ca)
    return fail(ErrorKind::Config,
                fmt::format("{} ({}) sets insecure-skip-tls-verify together with a certificate "
                            "authority; orka will not guess which one you meant",
                            entry, where(cluster.origin)),
                "remove insecure-skip-tls-verify so the CA verifies the server (recommended), "
                "or remove certificate-authority/-data");
  auto ca = pem_from(cluster.certificate_authority, cluster.certificate_authority_data,
                     "certificate-authority", entry, cluster.origin, config.warnings);
  if (!ca) return fail(ca.error());
  config.server = normalise_server(cluster.server);
  config.certificate_authority_pem = std::move(*ca);
  config.insecure_skip_tls_verify = cluster.insecure_skip_tls_verify;
  config.tls_server_name = cluster.tls_server_name;
  config.proxy_url = cluster.proxy_url;
  if (cluster.insecure_skip_tls_verify)
    config.warnings.push_back(fmt::format(
        "{} has insecure-skip-tls-verify set: the API server's certificate is not verified, "
        "so the connection can be intercepted",
        entry));
  return {};
}

std::vector<std::string> host_environment() {
  std::vector<std::string> entries;
  for (char** entry = environ; entry && *entry; ++entry) entries.emplace_back(*entry);
  return entries;
}

Result<std::shared_ptr<AuthProvider>> build_auth(const std::string& name, const UserEntry& user,
                                                 const RestConfig& cluster_config,
                                                 const KubeconfigLoadOptions& options,
                                                 const EnvLookup& getenv,
                                                 std::vector<std::string>& warnings) {
  const std::string entry = fmt::format("user \"{}\"", name);
  if (user.auth_provider)
    return fail(ErrorKind::Config,
                fmt::format("{} ({}) uses the auth-provider \"{}\", which orka does not support "
                            "(client-go removed these in-tree providers in Kubernetes 1.26)",
                            entry, where(user.origin),
                            user.auth_provider->empty() ? "(unnamed)" : *user.auth_provider),
                "switch the user to an exec credential plugin: gke-gcloud-auth-plugin for gcp, "
                "kubelogin for azure, kubelogin (kubectl oidc-login) for oidc");
  if (!user.impersonation_fields.empty())
    return fail(ErrorKind::Config,
                fmt::format("{} ({}) sets impersonation ({}), which orka does not support yet",
                            entry, where(user.origin), join(user.impersonation_fields)),
                "remove the as/as-groups fields or use a context whose user acts as itself");
  const bool has_token = !user.token.empty() || !user.token_file.empty();
  const bool has_basic = !user.username.empty() || !user.password.empty();
  if (has_token && has_basic)
    return fail(ErrorKind::Config,
                fmt::format("{} ({}) sets both a token and basic auth; only one authentication "
                            "method is allowed",
                            entry, where(user.origin)),
                "remove either token/tokenFile or username/password");

  Credentials base;
  auto certificate = pem_from(user.client_certificate, user.client_certificate_data,
                              "client-certificate", entry, user.origin, warnings);
  if (!certificate) return fail(certificate.error());
  auto key =
      pem_from(user.client_key, user.client_key_data, "client-key", entry, user.origin, warnings);
  if (!key) return fail(key.error());
  if (certificate->empty() != key->empty())
    return fail(ErrorKind::Config,
                fmt::format("{} ({}) has a client {} but no client {}", entry, where(user.origin),
                            certificate->empty() ? "key" : "certificate",
                            certificate->empty() ? "certificate" : "key"),
                "set both client-certificate(-data) and client-key(-data)");
  if (!certificate->empty())
    base.client_certificate = ClientCertificate{std::move(*certificate), std::move(*key)};
  if (has_basic) base.basic = std::make_pair(user.username, user.password);
  if (!user.token.empty()) base.bearer_token = user.token;

  if (user.exec) {
    ExecAuthSettings settings;
    settings.user_name = name;
    settings.config = *user.exec;
    settings.base = std::move(base);
    auto path = getenv("PATH");
    if (!path) {
      const char* process_path = std::getenv("PATH");
      path = process_path ? std::string(process_path) : std::string("/usr/local/bin:/usr/bin:/bin");
    }
    settings.path_list = *path;
    settings.environment = host_environment();
    settings.timeout = options.exec_timeout;
    settings.stdin_is_terminal = options.stdin_is_terminal.value_or(::isatty(STDIN_FILENO) == 1);
    if (user.exec->provide_cluster_info)
      settings.cluster =
          ExecClusterInfo{cluster_config.server, cluster_config.tls_server_name,
                          cluster_config.insecure_skip_tls_verify,
                          cluster_config.certificate_authority_pem, cluster_config.proxy_url};
    auto auth = ExecAuth::create(std::move(settings));
    if (!auth) return fail(auth.error());
    return std::shared_ptr<AuthProvider>(std::move(*auth));
  }
  // tokenFile is authoritative: client-go re-reads it and replaces the literal token.
  if (!user.token_file.empty()) {
    auto auth = TokenFileAuth::open(user.token_file, std::move(base),
                                    fmt::format("tokenFile of {}", entry));
    if (!auth) return fail(auth.error());
    return std::shared_ptr<AuthProvider>(std::move(*auth));
  }
  return std::shared_ptr<AuthProvider>(std::make_shared<StaticAuth>(std::move(base), name));
}

Result<RestConfig> resolve(const KubeconfigDocument& merged, const KubeconfigLoadOptions& options,
                           const EnvLookup& getenv) {
  const std::string files = join(merged.files);
  const bool overridden = options.context && !options.context->empty();
  const std::string context_name = overridden ? *options.context : merged.current_context;
  if (context_name.empty())
    return fail(ErrorKind::Config,
                fmt::format("no current context is set in {} ({})", files,
                            available_names(merged.contexts, "contexts")),
                "pass --context NAME, or set one with `kubectl config use-context NAME`");
  const auto context_it = merged.contexts.find(context_name);
  if (context_it == merged.contexts.end())
    return fail(
        ErrorKind::NotFound,
        fmt::format(
            "context \"{}\"{} not found in {} ({})", context_name,
            overridden ? "" : fmt::format(" (current-context in {})", merged.current_context_file),
            files, available_names(merged.contexts, "contexts")),
        !overridden ? "fix current-context, or pass --context NAME"
        : context_name.find(',') != std::string::npos
            ? "several contexts at once (--context a,b) are for `orka ops logs`; other ops "
              "take one context"
            : "pass one of the available context names to --context");
  const ContextEntry& context = context_it->second;

  RestConfig config;
  config.context_name = context_name;
  config.source_files = merged.files;
  if (context.cluster.empty())
    return fail(
        ErrorKind::Config,
        fmt::format("context \"{}\" ({}) names no cluster", context_name, where(context.origin)),
        "set contexts[].context.cluster");
  const auto cluster_it = merged.clusters.find(context.cluster);
  if (cluster_it == merged.clusters.end())
    return fail(ErrorKind::NotFound,
                fmt::format("cluster \"{}\" of context \"{}\" ({}) not found in {} ({})",
                            context.cluster, context_name, where(context.origin), files,
                            available_names(merged.clusters, "clusters")),
                "fix contexts[].context.cluster");
  config.cluster_name = context.cluster;
  if (auto ok = apply_cluster(context.cluster, cluster_it->second, context_name, config); !ok)
    return fail(ok.error());

  config.user_name = context.user;
  if (context.user.empty()) {
    config.auth = std::make_shared<StaticAuth>(Credentials{}, "");
  } else {
    const auto user_it = merged.users.find(context.user);
    if (user_it == merged.users.end())
      return fail(ErrorKind::NotFound,
                  fmt::format("user \"{}\" of context \"{}\" ({}) not found in {} ({})",
                              context.user, context_name, where(context.origin), files,
                              available_names(merged.users, "users")),
                  "fix contexts[].context.user");
    auto auth = build_auth(context.user, user_it->second, config, options, getenv, config.warnings);
    if (!auth) return fail(auth.error());
    config.auth = std::move(*auth);
  }

  if (options.namespace_ && !options.namespace_->empty())
    config.namespace_ = *options.namespace_;
  else if (!context.namespace_.empty())
    config.namespace_ = context.namespace_;
  else
    config.namespace_ = "default";
  return config;
}

Result<RestConfig> load_rest_config_unguarded(const KubeconfigLoadOptions& options) {
  const EnvLookup getenv = options.getenv ? options.getenv : EnvLookup(process_getenv);
  const KubeconfigSources sources = locate_kubeconfig_files(options.explicit_path, getenv);
  auto read = read_merged_kubeconfig(sources);
  if (!read) return fail(read.error());
  const KubeconfigDocument& merged = *read;

  // Like client-go: with no usable kubeconfig (and no --kubeconfig), a pod uses its service
  // account.
  if (!sources.explicit_file && merged.empty() &&
      in_cluster_available(getenv, options.service_account_dir))
    return load_in_cluster_config(getenv, options.service_account_dir, options.namespace_);

  if (sources.existing.empty()) {
    std::string looked_at;
    if (sources.origin == "KUBECONFIG")
      looked_at = fmt::format("none of the KUBECONFIG files exist ({})", join(sources.searched));
    else if (sources.searched.empty())
      looked_at = "HOME is not set, so there is no ~/.kube/config";
    else
      looked_at = fmt::format("{} does not exist", sources.searched.front());
    return fail(ErrorKind::NotFound,
                fmt::format("no kubeconfig found: {}, and not running inside a cluster "
                            "(KUBERNETES_SERVICE_HOST/PORT and a service account)",
                            looked_at),
                "pass --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config");
  }
  return resolve(merged, options, getenv);
}

}  // namespace

Result<RestConfig> load_rest_config(const KubeconfigLoadOptions& options) {
  // Embedders (a GUI) call this directly: a library exception must become an Error here.
  try {
    return load_rest_config_unguarded(options);
  } catch (const std::exception& e) {
    return fail(ErrorKind::Internal, fmt::format("loading the kubeconfig failed: {}", e.what()));
  }
}

}  // namespace orka::core
