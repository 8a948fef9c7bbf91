#include "kubeconfig/secret_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace orka::core {
namespace {

constexpr std::string_view kMasked = "<masked>";

// Shorter runs are mostly words, numbers and names; tokens are longer (a 128-bit hex token is
// 32 characters, a service-account JWT hundreds). Shorter secrets are caught by the word that
// names them (`token=…`).
constexpr std::size_t kLongestHarmlessRun = 31;

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '+' || c == '/' || c == '=';
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Words whose value is a secret when followed by "=" or ":" (matched inside longer words:
// access_token, client-secret, X-Api-Key).
bool names_secret(std::string_view word) {
  static constexpr std::array<std::string_view, 7> parts = {
      "token", "passw", "secret", "credential", "apikey", "api-key", "api_key"};
  const std::string lowered = lower(word);
  return std::any_of(parts.begin(), parts.end(), [&](std::string_view part) {
    return lowered.find(part) != std::string::npos;
  });
}

bool is_auth_scheme(std::string_view word) {
  const std::string lowered = lower(word);
  return lowered == "bearer" || lowered == "basic";
}

// Where the value after `word` (ending at `pos`) starts, or npos when no secret value follows.
std::size_t secret_value_start(std::string_view text, std::size_t pos, std::string_view word) {
  std::size_t i = pos;
  bool assigned = false;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '"' ||
                             text[i] == '\'' || text[i] == '=' || text[i] == ':')) {
    assigned = assigned || text[i] == '=' || text[i] == ':';
    ++i;
  }
  if (i == pos || i >= text.size()) return std::string_view::npos;
  if (assigned ? names_secret(word) : is_auth_scheme(word)) return i;
  return std::string_view::npos;
}

std::size_t value_end(std::string_view text, std::size_t start) {
  std::size_t end = start;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
         text[end] != '"' && text[end] != '\'' && text[end] != ',' && text[end] != ';' &&
         text[end] != '}')
    ++end;
  return end;
}

bool looks_like_token(std::string_view run) {
  if (run.size() <= kLongestHarmlessRun) return false;
  const bool letters = std::any_of(run.begin(), run.end(),
                                   [](unsigned char c) { return std::isalpha(c); });
  const bool digits = std::any_of(run.begin(), run.end(),
                                  [](unsigned char c) { return std::isdigit(c); });
  return letters && digits;
}

}  // namespace

std::string mask_token_shaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_token_char(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t run_end = i;
    while (run_end < text.size() && is_token_char(text[run_end])) ++run_end;
    const std::string_view run = text.substr(i, run_end - i);
    std::size_t word_end = i;
    while (word_end < text.size() && is_word_char(text[word_end])) ++word_end;
    const std::string_view word = text.substr(i, word_end - i);
    const std::size_t value = word.empty() ? std::string_view::npos
                                           : secret_value_start(text, word_end, word);
    if (value == std::string_view::npos) {
      out.append(looks_like_token(run) ? kMasked : run);
      i = run_end;
      continue;
    }
    const std::size_t end = value_end(text, value);
    out.append(text.substr(i, value - i));
    if (end > value) out += kMasked;
    i = end;
  }
  return out;
}

}  // namespace orka::core
