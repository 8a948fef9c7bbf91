// orka::Error and the expected-style Result every fallible call returns.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

enum class ErrorKind {
  NotFound,      // HTTP 404, or a named object/file/context that does not exist
  Forbidden,     // HTTP 403 from authorization (RBAC, a webhook): a missing permission
                 // (see Error::permission); other 403s are Refused
  Unauthorized,  // HTTP 401: credentials missing, expired or rejected
  Conflict,      // HTTP 409: resourceVersion/UID precondition or apply conflict
  Invalid,       // HTTP 422/400, or a semantically invalid request
  Timeout,       // a deadline passed (HTTP 504, --timeout, rollout deadline)
  Cancelled,     // the operation's CancelToken fired (Ctrl-C)
  Unavailable,   // HTTP 429/503 after retries, or a capability the cluster lacks at runtime
  Transport,     // connection, TLS, protocol or framing failure
  Unsupported,   // the cluster or the host cannot do this (no plugin, no subresource)
  Usage,         // bad command line; exit code 2
  Refused,       // orka refused to act (drain filters, paused rollout, replica precondition),
                 // or the API server did for a reason other than authorization: a 403 from
                 // admission (policy, quota, a terminating namespace; see Error::causes)
  Config,        // kubeconfig/auth problem found before any request
  Internal,      // a bug: an exception caught at the plugin boundary, a broken invariant
};

// The RBAC check a request needed, so a 403 can name exactly what is missing.
struct Permission {
  std::string verb;
  std::string group;        // "" for the core group
  std::string resource;     // plural, e.g. "pods"
  std::string subresource;  // e.g. "log", "exec", "scale"
  std::string namespace_;   // "" for cluster-scoped checks
  std::string name;         // "" for any name

  // e.g. `create pods/exec in namespace "web"` or `patch nodes (cluster-scoped)`.
  ORKA_API std::string describe() const;
};

// One entry of a Kubernetes Status's details.causes (the JSON key of `type` is "reason").
struct StatusCause {
  std::string type;     // machine-readable, e.g. "NamespaceTerminating", "FieldValueInvalid"
  std::string message;  // for a human
  std::string field;    // the object field it is about, when there is one
};

// The cause a 403 carries when the object's namespace is being deleted: nothing can be created
// in it any more (an eviction is a create), but its pods are on their way out.
inline constexpr std::string_view kNamespaceTerminatingCause = "NamespaceTerminating";

// The cause type of an op's own refusal of a field of its request (see field_error in op.hpp).
inline constexpr std::string_view kRequestFieldInvalid = "RequestFieldInvalid";

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  int http_status = 0;     // 0 when no HTTP response was involved
  std::string message;     // what went wrong, for a human; for API errors the Status message
  std::string reason;      // the API Status reason (e.g. "AlreadyExists"), when there was one
  std::string hint;        // what the user can do about it; may be empty
  std::optional<Permission> permission;  // set on Forbidden when the needed permission is known
  std::vector<StatusCause> causes;       // the API Status's details.causes, when there were any
};

// Whether the API Status behind `error` named a cause of this type.
ORKA_API bool has_cause(const Error& error, std::string_view type);

template <class T = void>
using Result = std::expected<T, Error>;

ORKA_API std::string_view to_string(ErrorKind kind);

// Process exit code for an error: Usage → 2, Cancelled → 130, everything else → 1.
ORKA_API int exit_code_for(const Error& error);

// One or more lines for a terminal: "error: <message>", the HTTP status when there is one,
// the missing permission for Forbidden, and "hint: ..." when a hint is set.
ORKA_API std::string describe(const Error& error);

// Maps a non-2xx HTTP response to an Error, decoding a Kubernetes Status body when present
// (message, reason, causes) and falling back to the raw body/status line otherwise. A 403 is
// Forbidden (a missing permission, with `needed` attached) only when the Status is the
// authorizer's denial; any other 403 is Refused, with a hint that fits its cause.
ORKA_API Error error_from_http(int http_status, std::string_view body,
                               const std::optional<Permission>& needed = std::nullopt);

inline Error make_error(ErrorKind kind, std::string message, std::string hint = {}) {
  Error e;
  e.kind = kind;
  e.message = std::move(message);
  e.hint = std::move(hint);
  return e;
}

inline std::unexpected<Error> fail(ErrorKind kind, std::string message, std::string hint = {}) {
  return std::unexpected(make_error(kind, std::move(message), std::move(hint)));
}

inline std::unexpected<Error> fail(Error error) { return std::unexpected(std::move(error)); }

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
