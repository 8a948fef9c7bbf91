// Base64 (RFC 4648, standard alphabet): kubeconfig's *-data fields, ExecCredential's cluster
// info, Basic credentials, the WebSocket key, and binary data in ops' JSON events (exec output).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// Standard alphabet; line breaks and spaces are ignored and padding is optional, as
// kubeconfig files are often hand-wrapped. nullopt when the text is not base64.
ORKA_API std::optional<std::string> decode_base64(std::string_view text);

ORKA_API std::string encode_base64(std::string_view bytes);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
