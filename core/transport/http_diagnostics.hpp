// What -v/-vv print about HTTP traffic, with secrets masked before anything leaves the
// transport. Internal to liborka.
#pragma once

#include <string>
#include <string_view>

#include "orka/client.hpp"

namespace orka::core {

inline constexpr std::string_view masked_value = "<masked>";

// Headers whose whole value is a secret (Authorization, Proxy-Authorization, Cookie, ...).
bool is_secret_header(std::string_view name);

// Replaces credentials inside free text: the value after "Bearer " or "Basic " (any case),
// and JSON string values of keys such as "token", "password" or "client-key-data".
std::string mask_secrets(std::string_view text);

// One "Name: value" line per header, secret headers masked, values scanned by mask_secrets.
std::string format_headers_for_log(std::string_view indent, const Headers& headers);

// A body for -vv: at most `limit` bytes (noting how many were cut), secrets masked.
std::string format_body_for_log(std::string_view body, std::size_t limit = 2048);

}  // namespace orka::core
