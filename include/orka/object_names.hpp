// Object names checked the way the API server checks them, before any request carries them:
// a name that the server would refuse to store can only be a typo or an attack (a query, a
// path or a second request hidden in it), and either way it must not reach a URL.
#pragma once

#include <string>
#include <string_view>

#include "orka/error.hpp"
#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

enum class NameRule {
  // Pods, nodes, deployments, configmaps, custom resources and most other kinds: at most 253
  // characters of lowercase letters, digits, '-' and '.', each dot-separated part starting
  // and ending with a letter or digit.
  Dns1123Subdomain,
  // Namespaces: at most 63 lowercase letters, digits and '-', starting and ending with a
  // letter or digit.
  Dns1123Label,
  // Services: a DNS-1123 label that starts with a letter.
  Dns1035Label,
};

// The rule the API server applies to names of `resource` (plural: "pods", "namespaces").
ORKA_API NameRule name_rule_for(std::string_view resource);

// A Usage error when `name` breaks `rule`, quoting the name (escaped) and saying which
// character or limit is wrong and what the rule is. `what` names the object for the message:
// "pod", "node", "deploy", "namespace".
ORKA_API Result<void> check_name(std::string_view what, std::string_view name, NameRule rule);

// check_name("namespace", namespace_, NameRule::Dns1123Label).
ORKA_API Result<void> check_namespace(std::string_view namespace_);

// `text` in double quotes for a message, with quotes, backslashes, control characters and
// non-ASCII bytes escaped (\r, \n, \t, \xNN), so nothing in it can act on the terminal;
// long text is cut after `max_bytes` with a note of how much was left out.
ORKA_API std::string quote_name(std::string_view text, std::size_t max_bytes = 120);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
