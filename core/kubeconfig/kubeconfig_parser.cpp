#include "kubeconfig/kubeconfig_parser.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <functional>

#include "kubeconfig/file_access.hpp"

namespace orka::core {
namespace {

constexpr const char* kFixHint = "fix the kubeconfig file (see `kubectl config view`)";

// Turns yaml-cpp marks into "file:line" messages. Values are never quoted into messages:
// a misplaced token or key must not leak through an error.
class Parser {
 public:
  explicit Parser(std::string path) : path_(std::move(path)), base_dir_(absolute_parent_dir(path_)) {}

  Result<KubeconfigDocument> parse(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      return fail(ErrorKind::Config,
                  fmt::format("{}:{}:{}: invalid YAML: {}", path_, e.mark.line + 1,
                              e.mark.column + 1, e.msg),
                  kFixHint);
    } catch (const YAML::Exception& e) {
      return fail(ErrorKind::Config, fmt::format("{}: invalid YAML: {}", path_, e.msg), kFixHint);
    }
    try {
      return parse_root(root);
    } catch (const YAML::Exception& e) {
      return fail(error_at(e.mark, fmt::format("unexpected value ({})", e.msg)));
    }
  }

 private:
  Error error_at(const YAML::Mark& mark, const std::string& message) const {
    if (mark.is_null())
      return make_error(ErrorKind::Config, fmt::format("{}: {}", path_, message), kFixHint);
    return make_error(ErrorKind::Config, fmt::format("{}:{}: {}", path_, mark.line + 1, message),
                      kFixHint);
  }

  int line_of(const YAML::Node& node) const {
    const auto mark = node.Mark();
    return mark.is_null() ? 0 : mark.line + 1;
  }

  // A missing or null key reads as "". Anything but a scalar is an error.
  Result<std::string> string_field(const YAML::Node& parent, const char* key,
                                   const std::string& where) const {
    const YAML::Node node = parent[key];
    if (!node.IsDefined() || node.IsNull()) return std::string();
    if (!node.IsScalar())
      return fail(error_at(node.Mark(), fmt::format("{}.{} must be a string", where, key)));
    return node.as<std::string>();
  }

  Result<bool> bool_field(const YAML::Node& parent, const char* key,
                          const std::string& where) const {
    const YAML::Node node = parent[key];
    if (!node.IsDefined() || node.IsNull()) return false;
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
      return fail(error_at(node.Mark(), fmt::format("{}.{} must be true or false", where, key)));
    return value;
  }

  Result<std::vector<std::string>> string_list(const YAML::Node& parent, const char* key,
                                               const std::string& where) const {
    std::vector<std::string> values;
    const YAML::Node node = parent[key];
    if (!node.IsDefined() || node.IsNull()) return values;
    if (!node.IsSequence())
      return fail(
          error_at(node.Mark(), fmt::format("{}.{} must be a list of strings", where, key)));
    for (const auto& item : node) {
      if (!item.IsScalar())
        return fail(error_at(item.Mark(), fmt::format("{}.{} must hold only strings", where, key)));
      values.push_back(item.as<std::string>());
    }
    return values;
  }

  using EntryParser = std::function<Result<void>(const std::string& name, const YAML::Node& body,
                                                 const EntryOrigin& origin)>;

  // clusters/users/contexts: a list of {name, <inner>: {...}}; names are unique per file.
  Result<void> named_list(const YAML::Node& root, const char* key, const char* inner,
                          const EntryParser& parse_entry) const {
    const YAML::Node list = root[key];
    if (!list.IsDefined() || list.IsNull()) return {};
    if (!list.IsSequence())
      return fail(error_at(list.Mark(),
                           fmt::format("{} must be a list of {{name, {}}} entries", key, inner)));
    std::map<std::string, int> seen;
    std::size_t index = 0;
    for (const auto& item : list) {
      const std::string where = fmt::format("{}[{}]", key, index++);
      if (!item.IsMap())
        return fail(error_at(item.Mark(),
                             fmt::format("{} must be a mapping with name and {}", where, inner)));
      auto name = string_field(item, "name", where);
      if (!name) return fail(name.error());
      if (name->empty()) return fail(error_at(item.Mark(), fmt::format("{} has no name", where)));
      const int line = line_of(item);
      if (auto [it, inserted] = seen.emplace(*name, line); !inserted)
        return fail(error_at(
            item.Mark(),
            fmt::format("duplicate name \"{}\" in {} (first at line {})", *name, key, it->second)));
      YAML::Node body = item[inner];
      if (body.IsDefined() && !body.IsNull() && !body.IsMap())
        return fail(error_at(body.Mark(), fmt::format("{}.{} must be a mapping", where, inner)));
      if (!body.IsDefined() || body.IsNull()) body = YAML::Node(YAML::NodeType::Map);
      if (auto ok = parse_entry(*name, body, EntryOrigin{path_, line}); !ok) return ok;
    }
    return {};
  }

  Result<KubeconfigDocument> parse_root(const YAML::Node& root) {
    KubeconfigDocument doc;
    doc.files.push_back(path_);
    if (!root.IsDefined() || root.IsNull()) return doc;  // an empty file is an empty config
    if (!root.IsMap())
      return fail(error_at(root.Mark(),
                           "the top level must be a mapping with apiVersion, kind, "
                           "clusters, users and contexts"));
    auto kind = string_field(root, "kind", "kubeconfig");
    if (!kind) return fail(kind.error());
    if (!kind->empty() && *kind != "Config")
      return fail(error_at(root["kind"].Mark(),
                           fmt::format("kind is \"{}\", but a kubeconfig has kind Config", *kind)));

    auto current = string_field(root, "current-context", "kubeconfig");
    if (!current) return fail(current.error());
    doc.current_context = *current;
    if (!doc.current_context.empty()) doc.current_context_file = path_;

    if (auto ok = named_list(root, "clusters", "cluster",
                             [&](const std::string& name, const YAML::Node& body,
                                 const EntryOrigin& origin) -> Result<void> {
                               auto entry = parse_cluster(name, body);
                               if (!entry) return fail(entry.error());
                               entry->origin = origin;
                               doc.clusters.emplace(name, std::move(*entry));
                               return {};
                             });
        !ok)
      return fail(ok.error());
    if (auto ok = named_list(root, "users", "user",
                             [&](const std::string& name, const YAML::Node& body,
                                 const EntryOrigin& origin) -> Result<void> {
                               auto entry = parse_user(name, body);
                               if (!entry) return fail(entry.error());
                               entry->origin = origin;
                               doc.users.emplace(name, std::move(*entry));
                               return {};
                             });
        !ok)
      return fail(ok.error());
    if (auto ok = named_list(root, "contexts", "context",
                             [&](const std::string& name, const YAML::Node& body,
                                 const EntryOrigin& origin) -> Result<void> {
                               auto entry = parse_context(name, body);
                               if (!entry) return fail(entry.error());
                               entry->origin = origin;
                               doc.contexts.emplace(name, std::move(*entry));
                               return {};
                             });
        !ok)
      return fail(ok.error());
    return doc;
  }

  Result<ClusterEntry> parse_cluster(const std::string& name, const YAML::Node& body) const {
    const std::string where = fmt::format("cluster \"{}\"", name);
    ClusterEntry cluster;
    struct StringField {
      const char* key;
      std::string* target;
    };
    for (auto [key, target] :
         {StringField{"server", &cluster.server},
          StringField{"certificate-authority", &cluster.certificate_authority},
          StringField{"certificate-authority-data", &cluster.certificate_authority_data},
          StringField{"tls-server-name", &cluster.tls_server_name},
          StringField{"proxy-url", &cluster.proxy_url}}) {
      auto value = string_field(body, key, where);
      if (!value) return fail(value.error());
      *target = std::move(*value);
    }
    auto insecure = bool_field(body, "insecure-skip-tls-verify", where);
    if (!insecure) return fail(insecure.error());
    cluster.insecure_skip_tls_verify = *insecure;
    cluster.certificate_authority = resolve_against(cluster.certificate_authority, base_dir_);
    return cluster;
  }

  Result<UserEntry> parse_user(const std::string& name, const YAML::Node& body) const {
    const std::string where = fmt::format("user \"{}\"", name);
    UserEntry user;
    struct StringField {
      const char* key;
      std::string* target;
    };
    for (auto [key, target] :
         {StringField{"client-certificate", &user.client_certificate},
          StringField{"client-certificate-data", &user.client_certificate_data},
          StringField{"client-key", &user.client_key},
          StringField{"client-key-data", &user.client_key_data}, StringField{"token", &user.token},
          StringField{"tokenFile", &user.token_file}, StringField{"username", &user.username},
          StringField{"password", &user.password}}) {
      auto value = string_field(body, key, where);
      if (!value) return fail(value.error());
      *target = std::move(*value);
    }
    user.client_certificate = resolve_against(user.client_certificate, base_dir_);
    user.client_key = resolve_against(user.client_key, base_dir_);
    user.token_file = resolve_against(user.token_file, base_dir_);

    for (const char* key : {"as", "as-uid", "as-groups", "as-user-extra"}) {
      const YAML::Node node = body[key];
      if (!node.IsDefined() || node.IsNull()) continue;
      if ((node.IsScalar() && node.Scalar().empty()) || (node.IsSequence() && node.size() == 0) ||
          (node.IsMap() && node.size() == 0))
        continue;
      user.impersonation_fields.emplace_back(key);
    }

    const YAML::Node provider = body["auth-provider"];
    if (provider.IsDefined() && !provider.IsNull()) {
      if (!provider.IsMap())
        return fail(
            error_at(provider.Mark(), fmt::format("{}.auth-provider must be a mapping", where)));
      auto provider_name = string_field(provider, "name", where + ".auth-provider");
      if (!provider_name) return fail(provider_name.error());
      user.auth_provider = *provider_name;
    }

    const YAML::Node exec = body["exec"];
    if (exec.IsDefined() && !exec.IsNull()) {
      if (!exec.IsMap())
        return fail(error_at(exec.Mark(), fmt::format("{}.exec must be a mapping", where)));
      auto parsed = parse_exec(exec, where + ".exec");
      if (!parsed) return fail(parsed.error());
      user.exec = std::move(*parsed);
    }
    return user;
  }

  Result<ExecConfig> parse_exec(const YAML::Node& exec, const std::string& where) const {
    ExecConfig config;
    struct StringField {
      const char* key;
      std::string* target;
    };
    for (auto [key, target] :
         {StringField{"apiVersion", &config.api_version}, StringField{"command", &config.command},
          StringField{"installHint", &config.install_hint},
          StringField{"interactiveMode", &config.interactive_mode}}) {
      auto value = string_field(exec, key, where);
      if (!value) return fail(value.error());
      *target = std::move(*value);
    }
    // A bare name is looked up on PATH; only a command with a directory part is a file path.
    if (config.command.find('/') != std::string::npos)
      config.command = resolve_against(config.command, base_dir_);
    auto args = string_list(exec, "args", where);
    if (!args) return fail(args.error());
    config.args = std::move(*args);
    auto provide = bool_field(exec, "provideClusterInfo", where);
    if (!provide) return fail(provide.error());
    config.provide_cluster_info = *provide;

    const YAML::Node env = exec["env"];
    if (env.IsDefined() && !env.IsNull()) {
      if (!env.IsSequence())
        return fail(
            error_at(env.Mark(), fmt::format("{}.env must be a list of {{name, value}}", where)));
      for (const auto& item : env) {
        if (!item.IsMap())
          return fail(
              error_at(item.Mark(), fmt::format("{}.env entries must be {{name, value}}", where)));
        auto name = string_field(item, "name", where + ".env[]");
        if (!name) return fail(name.error());
        auto value = string_field(item, "value", where + ".env[]");
        if (!value) return fail(value.error());
        if (name->empty())
          return fail(
              error_at(item.Mark(), fmt::format("{}.env has an entry without a name", where)));
        config.env.push_back(ExecEnvVar{std::move(*name), std::move(*value)});
      }
    }
    return config;
  }

  Result<ContextEntry> parse_context(const std::string& name, const YAML::Node& body) const {
    const std::string where = fmt::format("context \"{}\"", name);
    ContextEntry context;
    for (auto [key, target] : {std::pair<const char*, std::string*>{"cluster", &context.cluster},
                               {"user", &context.user},
                               {"namespace", &context.namespace_}}) {
      auto value = string_field(body, key, where);
      if (!value) return fail(value.error());
      *target = std::move(*value);
    }
    return context;
  }

  std::string path_;
  std::string base_dir_;
};

}  // namespace

Result<KubeconfigDocument> parse_kubeconfig_text(const std::string& text, const std::string& path) {
  return Parser(path).parse(text);
}

Result<KubeconfigDocument> parse_kubeconfig_file(const std::string& path) {
  auto text = read_referenced_file(path, "kubeconfig");
  if (!text) return fail(text.error());
  return parse_kubeconfig_text(*text, path);
}

}  // namespace orka::core
