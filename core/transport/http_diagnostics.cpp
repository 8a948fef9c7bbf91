#include "transport/http_diagnostics.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>

#include "transport/http_message.hpp"

namespace orka::core {
namespace {

bool starts_with_ignore_case(std::string_view text, std::size_t pos, std::string_view prefix) {
  return text.size() - pos >= prefix.size() && equals_ignore_case(text.substr(pos, prefix.size()), prefix);
}

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Ends of a credential value: whitespace, quotes, separators of headers and JSON.
bool ends_credential(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'' || c == ',' ||
         c == ';' || c == '}' || c == ']' || c == '\\';
}

bool is_secret_json_key(std::string_view key) {
  static constexpr std::array<std::string_view, 8> names = {
      "token",    "password",         "client-key-data", "clientKeyData",
      "id-token", "refresh-token",    "access-token",    "secret"};
  for (auto name : names)
    if (equals_ignore_case(key, name)) return true;
  return false;
}

// Masks the values after "Bearer " / "Basic " schemes.
std::string mask_auth_schemes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    bool at_word_start = i == 0 || !is_word_char(text[i - 1]);
    std::size_t scheme_len = 0;
    if (at_word_start) {
      if (starts_with_ignore_case(text, i, "bearer ")) scheme_len = 7;
      else if (starts_with_ignore_case(text, i, "basic ")) scheme_len = 6;
    }
    if (scheme_len == 0) {
      out += text[i++];
      continue;
    }
    std::size_t value = i + scheme_len;
    while (value < text.size() && text[value] == ' ') ++value;
    std::size_t end = value;
    while (end < text.size() && !ends_credential(text[end])) ++end;
    out.append(text.substr(i, value - i));
    if (end > value) out += masked_value;
    i = end;
  }
  return out;
}

// The index of the quote closing the JSON string opened at `open`, or npos.
std::size_t string_end(std::string_view text, std::size_t open) {
  for (std::size_t k = open + 1; k < text.size(); ++k) {
    if (text[k] == '\\') ++k;
    else if (text[k] == '"') return k;
  }
  return std::string_view::npos;
}

// Masks "key": "value" pairs whose key names a secret. Works on truncated JSON too.
std::string mask_json_secrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '"') {
      out += text[i++];
      continue;
    }
    std::size_t key_end = string_end(text, i);
    if (key_end == std::string_view::npos) break;
    std::string_view key = text.substr(i + 1, key_end - i - 1);
    out.append(text.substr(i, key_end + 1 - i));
    i = key_end + 1;
    if (!is_secret_json_key(key)) continue;
    std::size_t colon = i;
    while (colon < text.size() && (text[colon] == ' ' || text[colon] == '\t')) ++colon;
    if (colon >= text.size() || text[colon] != ':') continue;
    std::size_t quote = colon + 1;
    while (quote < text.size() && (text[quote] == ' ' || text[quote] == '\t')) ++quote;
    if (quote >= text.size() || text[quote] != '"') continue;
    std::size_t value_end = std::min(string_end(text, quote), text.size());
    out.append(text.substr(i, quote + 1 - i));
    out += masked_value;
    if (value_end < text.size()) out += '"';
    i = std::min(value_end + 1, text.size());
  }
  if (i < text.size()) out.append(text.substr(i));
  return out;
}

}  // namespace

bool is_secret_header(std::string_view name) {
  return equals_ignore_case(name, "Authorization") ||
         equals_ignore_case(name, "Proxy-Authorization") || equals_ignore_case(name, "Cookie") ||
         equals_ignore_case(name, "Set-Cookie") || equals_ignore_case(name, "X-Remote-User-Token");
}

std::string mask_secrets(std::string_view text) {
  return mask_json_secrets(mask_auth_schemes(text));
}

std::string format_headers_for_log(std::string_view indent, const Headers& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    if (!out.empty()) out += '\n';
    if (is_secret_header(name)) {
      // Keep the scheme ("Bearer"), which helps debugging and is not secret.
      auto space = value.find(' ');
      std::string scheme = space == std::string::npos ? "" : value.substr(0, space + 1);
      bool scheme_is_word = !scheme.empty();
      for (std::size_t k = 0; k + 1 < scheme.size(); ++k)
        scheme_is_word = scheme_is_word && std::isalpha(static_cast<unsigned char>(scheme[k]));
      fmt::format_to(std::back_inserter(out), "{}{}: {}{}", indent, name,
                     scheme_is_word ? scheme : "", masked_value);
    } else {
      fmt::format_to(std::back_inserter(out), "{}{}: {}", indent, name, mask_secrets(value));
    }
  }
  return out;
}

std::string format_body_for_log(std::string_view body, std::size_t limit) {
  if (body.size() <= limit) return mask_secrets(body);
  return fmt::format("{} ... ({} more bytes)", mask_secrets(body.substr(0, limit)),
                     body.size() - limit);
}

}  // namespace orka::core
