#include "orka/error.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "orka/json_fields.hpp"
namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

std::string Permission::describe() const {
  std::string what = resource;
  if (!group.empty()) what += "." + group;
  if (!subresource.empty()) what += "/" + subresource;
  std::string text = fmt::format("{} {}", verb, what);
  if (!name.empty()) text += fmt::format(" named \"{}\"", name);
  if (namespace_.empty())
    text += " (cluster-scoped)";
  else
    text += fmt::format(" in namespace \"{}\"", namespace_);
  return text;
}

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::NotFound: return "NotFound";
    case ErrorKind::Forbidden: return "Forbidden";
    case ErrorKind::Unauthorized: return "Unauthorized";
    case ErrorKind::Conflict: return "Conflict";
    case ErrorKind::Invalid: return "Invalid";
    case ErrorKind::Timeout: return "Timeout";
    case ErrorKind::Cancelled: return "Cancelled";
    case ErrorKind::Unavailable: return "Unavailable";
    case ErrorKind::Transport: return "Transport";
    case ErrorKind::Unsupported: return "Unsupported";
    case ErrorKind::Usage: return "Usage";
    case ErrorKind::Refused: return "Refused";
    case ErrorKind::Config: return "Config";
    case ErrorKind::Internal: return "Internal";
  }
  return "Unknown";
}

bool has_cause(const Error& error, std::string_view type) {
  for (const auto& cause : error.causes)
    if (cause.type == type) return true;
  return false;
}

int exit_code_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::Usage: return 2;
    case ErrorKind::Cancelled: return 130;
    default: return 1;
  }
}

std::string describe(const Error& error) {
  std::string text = "error: " + error.message;
  if (error.http_status != 0) {
    text += fmt::format(" (HTTP {}", error.http_status);
    if (!error.reason.empty()) text += " " + error.reason;
    text += ")";
  }
  if (error.kind == ErrorKind::Forbidden && error.permission)
    text += "\nmissing permission: " + error.permission->describe();
  if (!error.hint.empty()) text += "\nhint: " + error.hint;
  return text;
}

namespace {
ErrorKind kind_for_status(int status) {
  switch (status) {
    case 400: return ErrorKind::Invalid;
    case 401: return ErrorKind::Unauthorized;
    case 403: return ErrorKind::Forbidden;
    case 404: return ErrorKind::NotFound;
    case 405: return ErrorKind::Unsupported;
    case 409: return ErrorKind::Conflict;
    case 410: return ErrorKind::Conflict;  // Gone: resourceVersion too old
    case 412: return ErrorKind::Conflict;  // precondition failed
    case 415: return ErrorKind::Unsupported;
    case 422: return ErrorKind::Invalid;
    case 429: return ErrorKind::Unavailable;
    case 503: return ErrorKind::Unavailable;
    case 504: return ErrorKind::Timeout;
    default: break;
  }
  if (status >= 500) return ErrorKind::Unavailable;
  if (status >= 400) return ErrorKind::Invalid;
  return ErrorKind::Transport;
}

std::vector<StatusCause> causes_of(const nlohmann::json& status) {
  std::vector<StatusCause> causes;
  auto details = status.find("details");
  if (details == status.end() || !details->is_object()) return causes;
  auto listed = details->find("causes");
  if (listed == details->end() || !listed->is_array()) return causes;
  for (const auto& cause : *listed) {
    if (!cause.is_object()) continue;
    causes.push_back(StatusCause{json_string(cause, "reason"), json_string(cause, "message"),
                                 json_string(cause, "field")});
  }
  return causes;
}

// The authorizer's denial always reads `... is forbidden: User "<name>" cannot <verb> ...`
// (the API server's forbidden-message wording, for RBAC, Node and webhook authorizers alike).
// Admission refusals share the reason Forbidden but not that sentence: NamespaceLifecycle
// (which also names the cause NamespaceTerminating), ResourceQuota, PodSecurity, webhooks.
bool is_authorization_denial(const Error& error) {
  if (error.reason != "Forbidden" || !error.causes.empty()) return false;
  const auto user = error.message.find("User \"");
  return user != std::string::npos && error.message.find("\" cannot ", user) != std::string::npos;
}

std::string hint_for(const Error& error, const std::optional<Permission>& needed) {
  switch (error.kind) {
    case ErrorKind::Unauthorized:
      return "the API server rejected the credentials: check the kubeconfig user, or log in again";
    case ErrorKind::Forbidden:
      if (needed)
        return "ask a cluster admin for a Role/ClusterRole granting: " + needed->describe() +
               " (check with `orka ops caps`)";
      return "ask a cluster admin for the missing RBAC permission (check with `orka ops caps`)";
    case ErrorKind::Refused:
      if (error.http_status != 403) return {};
      if (has_cause(error, kNamespaceTerminatingCause))
        return "the namespace is being deleted: nothing new can be created in it (an eviction "
               "counts as a create); wait until it is gone, or use another namespace";
      return "the API server refused this for a reason other than authorization (an admission "
             "policy, a quota, or the object's state): the message above says which; granting "
             "more RBAC would not help";
    default: return {};
  }
}
}  // namespace

Error error_from_http(int http_status, std::string_view body,
                      const std::optional<Permission>& needed) {
  Error e;
  e.http_status = http_status;
  e.kind = kind_for_status(http_status);
  auto status = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json_string(status, "kind") == "Status") {
    e.message = json_string(status, "message");
    e.reason = json_string(status, "reason");
    // The Status's own code is authoritative when it disagrees with the HTTP line (and names
    // an HTTP error: anything else is not a code to report).
    if (const auto code = json_integer(status, "code", 0, 400, 599); code != 0) {
      e.http_status = static_cast<int>(code);
      e.kind = kind_for_status(e.http_status);
    }
    if (e.reason == "Expired" || e.reason == "Gone") e.kind = ErrorKind::Conflict;
    e.causes = causes_of(status);
  }
  if (e.message.empty()) {
    std::string_view trimmed = body.substr(0, 512);
    while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r'))
      trimmed.remove_suffix(1);
    e.message = trimmed.empty() ? fmt::format("the server answered HTTP {}", http_status)
                                : std::string(trimmed);
  }
  if (e.kind == ErrorKind::Forbidden) {
    if (is_authorization_denial(e))
      e.permission = needed;
    else
      e.kind = ErrorKind::Refused;
  }
  e.hint = hint_for(e, needed);
  return e;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
