// Base64 as used by kubeconfig's *-data fields and ExecCredential's cluster info.
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
