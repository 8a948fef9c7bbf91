#include "kubeconfig/exec_auth.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/base64.hpp"
#include "kubeconfig/child_process.hpp"
#include "kubeconfig/rfc3339.hpp"
#include "kubeconfig/secret_text.hpp"

namespace orka::core {
namespace {

constexpr std::string_view kApiV1 = "client.authentication.k8s.io/v1";
constexpr std::string_view kApiV1beta1 = "client.authentication.k8s.io/v1beta1";
constexpr std::size_t kStderrInMessage = 1024;

std::string command_name(const std::string& command) {
  return std::filesystem::path(command).filename().string();
}

// Plugin stderr is for humans; keep the message readable and bounded, and its tokens out
// (masked before cutting, so no token is cut short of looking like one).
std::string stderr_excerpt(const ChildProcessResult& result) {
  std::string text = mask_token_shaped(result.stderr_data);
  bool truncated = result.stderr_truncated;
  if (text.size() > kStderrInMessage) {
    text.resize(kStderrInMessage);
    truncated = true;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  if (truncated) text += " … (stderr truncated)";
  return text;
}

// Only version-looking strings from plugin output may be quoted back in messages.
bool looks_like_api_version(const std::string& text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/' || c == '-';
  });
}

}  // namespace

Result<std::shared_ptr<ExecAuth>> ExecAuth::create(ExecAuthSettings settings) {
  const ExecConfig& config = settings.config;
  const std::string who = fmt::format("exec plugin of user \"{}\"", settings.user_name);
  if (config.command.empty())
    return fail(ErrorKind::Config, fmt::format("{} has no command", who),
                "set users[].user.exec.command in the kubeconfig");
  if (config.api_version != kApiV1 && config.api_version != kApiV1beta1)
    return fail(ErrorKind::Config,
                config.api_version.empty()
                    ? fmt::format("{} has no apiVersion", who)
                    : fmt::format("{} uses apiVersion \"{}\", which orka does not support", who,
                                  config.api_version),
                fmt::format("use apiVersion {} (or {})", kApiV1, kApiV1beta1));
  std::string mode = config.interactive_mode;
  if (mode.empty()) {
    if (config.api_version == kApiV1)
      return fail(ErrorKind::Config,
                  fmt::format("interactiveMode must be specified for user \"{}\" to use its exec "
                              "plugin (apiVersion {})",
                              settings.user_name, kApiV1),
                  "set users[].user.exec.interactiveMode to Never, IfAvailable or Always");
    mode = "IfAvailable";  // v1beta1's default
  }
  if (mode != "Never" && mode != "IfAvailable" && mode != "Always")
    return fail(
        ErrorKind::Config,
        fmt::format("invalid interactiveMode \"{}\" for user \"{}\"", mode, settings.user_name),
        "use Never, IfAvailable or Always");
  if (mode == "Always" && !settings.stdin_is_terminal)
    return fail(ErrorKind::Config,
                fmt::format("{} ({}) has interactiveMode Always, but standard input is not a "
                            "terminal",
                            who, command_name(config.command)),
                "run orka from an interactive terminal, or set interactiveMode to IfAvailable "
                "and log in with the plugin beforehand");
  const bool interactive = mode != "Never" && settings.stdin_is_terminal;
  return std::shared_ptr<ExecAuth>(new ExecAuth(std::move(settings), interactive));
}

ExecAuth::ExecAuth(ExecAuthSettings settings, bool interactive)
    : settings_(std::move(settings)), interactive_(interactive) {}

std::string ExecAuth::plugin_label() const {
  return fmt::format("exec plugin \"{}\" of user \"{}\"", command_name(settings_.config.command),
                     settings_.user_name);
}

std::string ExecAuth::exec_info_json() const {
  nlohmann::json spec = {{"interactive", interactive_}};
  if (settings_.cluster) {
    const auto& cluster = *settings_.cluster;
    nlohmann::json info = {{"server", cluster.server}};
    if (!cluster.tls_server_name.empty()) info["tls-server-name"] = cluster.tls_server_name;
    if (cluster.insecure_skip_tls_verify) info["insecure-skip-tls-verify"] = true;
    if (!cluster.certificate_authority_pem.empty())
      info["certificate-authority-data"] = encode_base64(cluster.certificate_authority_pem);
    if (!cluster.proxy_url.empty()) info["proxy-url"] = cluster.proxy_url;
    spec["cluster"] = std::move(info);
  }
  const nlohmann::json info = {
      {"apiVersion", settings_.config.api_version}, {"kind", "ExecCredential"}, {"spec", spec}};
  // Kubeconfig strings are not guaranteed UTF-8; replace bad bytes rather than throw.
  return info.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Credentials> ExecAuth::credentials(const CancelToken& cancel) {
  std::lock_guard lock(mutex_);
  if (cached_ && (!expiry_ || std::chrono::system_clock::now() < *expiry_)) return *cached_;
  return run_plugin(cancel);
}

Result<Credentials> ExecAuth::refresh(const CancelToken& cancel) {
  std::lock_guard lock(mutex_);
  cached_.reset();
  expiry_.reset();
  return run_plugin(cancel);
}

std::string ExecAuth::rejection_note() const {
  std::lock_guard lock(mutex_);
  if (!cached_ || !expiry_ || *expiry_ > std::chrono::system_clock::now()) return {};
  return fmt::format("the {} gave a credential that had already expired (expirationTimestamp {})",
                     plugin_label(), expiry_text_);
}

std::string ExecAuth::describe() const {
  return fmt::format("exec plugin {} ({})", command_name(settings_.config.command),
                     settings_.config.api_version);
}

Result<Credentials> ExecAuth::run_plugin(const CancelToken& cancel) {
  const ExecConfig& config = settings_.config;
  const auto executable = find_executable(config.command, settings_.path_list);
  if (!executable) {
    const bool is_path = config.command.find('/') != std::string::npos;
    return fail(ErrorKind::NotFound,
                is_path ? fmt::format("{}: {} does not exist or is not executable", plugin_label(),
                                      config.command)
                        : fmt::format("{}: command \"{}\" not found on PATH", plugin_label(),
                                      config.command),
                config.install_hint.empty()
                    ? std::string("install the plugin or fix users[].user.exec.command in the "
                                  "kubeconfig")
                    : config.install_hint);
  }

  ChildProcessSpec spec;
  spec.executable = *executable;
  spec.argv.push_back(config.command);
  spec.argv.insert(spec.argv.end(), config.args.begin(), config.args.end());
  const auto overridden = [&](const std::string& entry) {
    const auto name = entry.substr(0, entry.find('='));
    if (name == "KUBERNETES_EXEC_INFO") return true;
    return std::any_of(config.env.begin(), config.env.end(),
                       [&](const ExecEnvVar& var) { return var.name == name; });
  };
  for (const auto& entry : settings_.environment)
    if (!overridden(entry)) spec.environment.push_back(entry);
  for (const auto& var : config.env) spec.environment.push_back(var.name + "=" + var.value);
  spec.environment.push_back("KUBERNETES_EXEC_INFO=" + exec_info_json());
  spec.inherit_stdin = interactive_;
  spec.inherit_stderr = interactive_;
  spec.timeout = settings_.timeout;

  auto result = run_child_process(spec, cancel);
  if (!result) {
    Error error = result.error();
    error.message = fmt::format("{}: {}", plugin_label(), error.message);
    if (error.kind == ErrorKind::NotFound && !config.install_hint.empty())
      error.hint = config.install_hint;
    if (error.kind == ErrorKind::Timeout && error.hint.empty())
      error.hint = "the plugin may be waiting for input; run it yourself to log in first";
    return fail(std::move(error));
  }
  if (result->exit_code != 0) {
    const std::string status = result->signal != 0
                                   ? fmt::format("was killed by signal {}", result->signal)
                                   : fmt::format("failed with exit code {}", result->exit_code);
    const std::string excerpt = stderr_excerpt(*result);
    return fail(ErrorKind::Config,
                excerpt.empty() ? fmt::format("{} {}", plugin_label(), status)
                                : fmt::format("{} {}: {}", plugin_label(), status, excerpt),
                "run the command yourself to see what it needs (often a fresh login)");
  }
  return parse_output(result->stdout_data);
}

Result<Credentials> ExecAuth::parse_output(const std::string& stdout_data) {
  // Never quote stdout: it carries the token. nlohmann's parse errors quote input, so parse
  // without exceptions and say only what was wrong.
  const auto bad = [&](const std::string& what) {
    return fail(ErrorKind::Config, fmt::format("{} {}", plugin_label(), what),
                "the plugin must print one ExecCredential JSON object on stdout");
  };
  const auto output = nlohmann::json::parse(stdout_data, nullptr, false);
  if (output.is_discarded() || !output.is_object())
    return bad("did not print a JSON object on stdout");
  const auto kind = output.value("kind", nlohmann::json()).is_string()
                        ? output["kind"].get<std::string>()
                        : std::string();
  if (kind != "ExecCredential") return bad("printed JSON whose kind is not ExecCredential");
  const auto api_version = output.value("apiVersion", nlohmann::json()).is_string()
                               ? output["apiVersion"].get<std::string>()
                               : std::string();
  if (api_version != settings_.config.api_version)
    return bad(fmt::format("is configured for {} but returned apiVersion {}",
                           settings_.config.api_version,
                           looks_like_api_version(api_version) ? "\"" + api_version + "\""
                                                               : std::string("(unrecognised)")));
  if (!output.contains("status") || !output["status"].is_object()) return bad("returned no status");
  const auto& status = output["status"];
  const auto text_field = [&](const char* key) -> std::optional<std::string> {
    if (!status.contains(key) || status[key].is_null()) return std::string();
    if (!status[key].is_string()) return std::nullopt;
    return status[key].get<std::string>();
  };
  const auto token = text_field("token");
  const auto certificate = text_field("clientCertificateData");
  const auto key = text_field("clientKeyData");
  const auto expiration = text_field("expirationTimestamp");
  if (!token || !certificate || !key || !expiration)
    return bad("returned a status field that is not a string");
  if (certificate->empty() != key->empty())
    return bad("returned only one of clientCertificateData and clientKeyData");
  if (token->empty() && certificate->empty())
    return bad("returned neither a token nor a client certificate and key");

  std::optional<std::chrono::system_clock::time_point> expiry;
  if (!expiration->empty()) {
    expiry = parse_rfc3339(*expiration);
    if (!expiry) return bad("returned an expirationTimestamp that is not RFC 3339");
  }

  Credentials credentials = settings_.base;
  if (!token->empty()) credentials.bearer_token = *token;
  if (!certificate->empty()) credentials.client_certificate = ClientCertificate{*certificate, *key};
  cached_ = credentials;
  expiry_ = expiry;
  expiry_text_ = *expiration;
  return credentials;
}

}  // namespace orka::core
