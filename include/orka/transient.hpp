// Which failures are worth the same request again. Header-only on purpose: a plugin that uses
// it needs nothing from the host beyond orka::Error, so it adds nothing to the plugin ABI.
#pragma once

#include "orka/error.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// Whether the same request may succeed when made again: the connection broke or a read timed
// out, or the server was overloaded, restarting or failed (429, 5xx other than 501 and 505).
// Whether repeating it is *safe* (idempotent, or guarded by a precondition) is the caller's to
// know; a deadline of the caller's own is the caller's to check first.
inline bool is_transient(const Error& error) {
  if (error.http_status == 501 || error.http_status == 505) return false;
  if (error.http_status == 429 || error.http_status >= 500) return true;
  if (error.http_status != 0) return false;
  return error.kind == ErrorKind::Transport || error.kind == ErrorKind::Timeout ||
         error.kind == ErrorKind::Unavailable;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
