// The API server's name rules (apimachinery's IsDNS1123Subdomain, IsDNS1123Label and
// IsDNS1035Label), written as a scan so the error can point at the first wrong character.
#include "orka/object_names.hpp"

#include <fmt/format.h>

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {
namespace {

// The limits the API server applies: DNS names (RFC 1123) allow 253 characters in all and 63
// in one label.
constexpr std::size_t kSubdomainMaxLength = 253;
constexpr std::size_t kLabelMaxLength = 63;

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool lower_letter(char c) { return c >= 'a' && c <= 'z'; }

std::string_view rule_name(NameRule rule) {
  switch (rule) {
    case NameRule::Dns1123Subdomain: return "DNS-1123 subdomain";
    case NameRule::Dns1123Label: return "DNS-1123 label";
    case NameRule::Dns1035Label: return "DNS-1035 label";
  }
  return "DNS name";
}

std::string rule_text(NameRule rule) {
  switch (rule) {
    case NameRule::Dns1123Subdomain:
      return fmt::format("at most {} characters of lowercase letters, digits, '-' and '.', each "
                         "part between dots starting and ending with a letter or digit",
                         kSubdomainMaxLength);
    case NameRule::Dns1123Label:
      return fmt::format("at most {} characters of lowercase letters, digits and '-', starting "
                         "and ending with a letter or digit",
                         kLabelMaxLength);
    case NameRule::Dns1035Label:
      return fmt::format("at most {} characters of lowercase letters, digits and '-', starting "
                         "with a letter and ending with a letter or digit",
                         kLabelMaxLength);
  }
  return {};
}

// One character for a message: printable ASCII as 'c', the rest escaped.
std::string describe_char(char c) {
  if (c == ' ') return "a space";
  if (c == '\'') return "\"'\"";
  std::string quoted = quote_name(std::string_view(&c, 1));
  if (quoted.size() == 3) return "'" + quoted.substr(1, 1) + "'";  // plain: "x" → 'x'
  return quoted.substr(1, quoted.size() - 2);                      // escaped: \r, \x1B
}

// What is wrong with `name` under `rule`, or "" when nothing is.
std::string first_problem(std::string_view name, NameRule rule) {
  const bool subdomain = rule == NameRule::Dns1123Subdomain;
  const std::size_t max_length = subdomain ? kSubdomainMaxLength : kLabelMaxLength;
  if (name.empty()) return "it is empty";
  if (name.size() > max_length)
    return fmt::format("it is {} characters long; at most {} are allowed", name.size(), max_length);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (lower_alnum(c) || c == '-' || (subdomain && c == '.')) continue;
    if (c >= 'A' && c <= 'Z')
      return fmt::format("{} (at position {}) is upper case; names are lower case",
                         describe_char(c), i + 1);
    return fmt::format("{} (at position {}) is not allowed", describe_char(c), i + 1);
  }
  if (rule == NameRule::Dns1035Label && !lower_letter(name.front()))
    return "it must start with a lowercase letter";
  // Every dot-separated part (the whole name for a label) starts and ends alphanumeric.
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = subdomain ? name.find('.', start) : std::string_view::npos;
    const std::string_view part =
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty())
      return fmt::format("'.' (at position {}) leaves an empty part",
                         dot != std::string_view::npos ? dot + 1 : start);
    if (!lower_alnum(part.front()) || !lower_alnum(part.back()))
      return subdomain ? fmt::format("\"{}\" must start and end with a letter or digit", part)
                       : "it must start and end with a letter or digit";
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return {};
}

}  // namespace

NameRule name_rule_for(std::string_view resource) {
  if (resource == "namespaces") return NameRule::Dns1123Label;
  if (resource == "services") return NameRule::Dns1035Label;
  return NameRule::Dns1123Subdomain;
}

Result<void> check_name(std::string_view what, std::string_view name, NameRule rule) {
  std::string problem = first_problem(name, rule);
  if (problem.empty()) return {};
  return fail(ErrorKind::Usage,
              fmt::format("{} name {} is not valid: {}", what, quote_name(name), problem),
              fmt::format("a {} name must be a {} ({}), as the API server requires; pass the "
                          "object's name alone, without a path or a query",
                          what, rule_name(rule), rule_text(rule)));
}

Result<void> check_namespace(std::string_view namespace_) {
  return check_name("namespace", namespace_, NameRule::Dns1123Label);
}

std::string quote_name(std::string_view text, std::size_t max_bytes) {
  std::string out = "\"";
  const std::string_view shown = text.substr(0, max_bytes);
  for (char c : shown) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20 || byte >= 0x7F) out += fmt::format("\\x{:02X}", byte);
        else out += c;
    }
  }
  out += '"';
  if (shown.size() < text.size()) out += fmt::format(" (and {} more bytes)", text.size() - shown.size());
  return out;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
