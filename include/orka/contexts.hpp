// Several kubeconfig contexts at once: which contexts the kubeconfig has, which of them a command
// line asked for (`--context a,b`, `--all-contexts`), and the ops of each through its own host —
// its own credentials, transport and default namespace.
//
// HostContexts is a capability of the Services orka's host hands out (added with SDK 0.2 beside
// plugin ABI 4.1, no existing interface changed). A plugin or embedder probes for it:
//
//   if (auto* contexts = dynamic_cast<orka::HostContexts*>(&ctx.services)) ...
//
// and a host without it (an older orka, a test's own Services) simply offers one context.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/kubeconfig_contexts.hpp"
#include "orka/op.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

class ORKA_API HostContexts {
 public:
  virtual ~HostContexts() = default;
  // HostOptions::context exactly as given (`--context a,b` is "a,b"); unset: the current context.
  virtual std::optional<std::string> context_option() const = 0;
  // Reads the kubeconfig's contexts (nothing else: no credential is loaded, no server asked).
  virtual Result<KubeconfigContexts> kubeconfig_contexts() = 0;
  // The ops of `context`: a new host with this host's options but that context, holding the
  // plugins this host loaded. Nothing connects yet; each host builds its own Client on first
  // use. The host lives as long as the returned pointer (and anything that copied it).
  virtual Result<std::shared_ptr<Ops>> ops_for_context(const std::string& context) = 0;
};

// Which contexts to fan out over, from `--context` as given and `--all-contexts`: every known
// context for `all`; the comma-separated names of `option`, each checked against `known` (in the
// order given, repeats dropped). Empty: one context, the usual way (no option, or an option
// without a comma, or one that is exactly the name of a context). A name that is not a context
// is a Usage error naming it and listing the known ones.
inline Result<std::vector<std::string>> contexts_to_fan_out(
    const std::optional<std::string>& option, bool all, const KubeconfigContexts& known) {
  const std::vector<std::string> names = known.names();
  auto is_known = [&names](std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  auto known_list = [&names] {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text.empty() ? std::string("the kubeconfig defines no context") : "known contexts: " + text;
  };
  if (all) {
    if (option)
      return fail(ErrorKind::Usage, "--all-contexts and --context " + *option + " exclude each other",
                  "give one of them");
    if (names.empty())
      return fail(ErrorKind::Usage, "--all-contexts: " + known_list(),
                  "add a context to the kubeconfig, or pass --kubeconfig FILE");
    return names;
  }
  if (!option || option->find(',') == std::string::npos || is_known(*option))
    return std::vector<std::string>{};
  std::vector<std::string> chosen;
  std::string_view rest = *option;
  for (;;) {
    const auto comma = rest.find(',');
    const std::string name(rest.substr(0, comma));
    if (name.empty())
      return fail(ErrorKind::Usage, "--context " + *option + " has an empty context name",
                  "separate the names with single commas: --context a,b");
    if (!is_known(name))
      return fail(ErrorKind::Usage, "--context: no context \"" + name + "\" in the kubeconfig",
                  known_list());
    if (std::find(chosen.begin(), chosen.end(), name) == chosen.end()) chosen.push_back(name);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return chosen;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
