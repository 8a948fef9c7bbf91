// RFC 3339 timestamps as the API writes them (metadata.deletionTimestamp, restartedAt).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// "2026-11-26T10:00:00Z" (UTC, whole seconds, as Kubernetes serialises metav1.Time).
ORKA_API std::string format_rfc3339(std::chrono::system_clock::time_point time);

// Accepts a fraction and a numeric offset too; nullopt when malformed.
ORKA_API std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
