// ASCII case rules for protocol text (HTTP header names, tokens, Kubernetes kinds): locale
// independent, byte by byte. Internal to liborka.
#pragma once

#include <string>
#include <string_view>

namespace orka::core {

bool equals_ignore_case(std::string_view a, std::string_view b);

std::string to_lower_ascii(std::string_view text);

}  // namespace orka::core
