// Base64 (RFC 4648, standard alphabet): kubeconfig's *-data fields, ExecCredential's cluster
// info, Basic credentials and the WebSocket key. Internal to liborka.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orka::core {

// Standard alphabet; line breaks and spaces are ignored and padding is optional, as
// kubeconfig files are often hand-wrapped. nullopt when the text is not base64.
std::optional<std::string> decode_base64(std::string_view text);

std::string encode_base64(std::string_view bytes);

}  // namespace orka::core
