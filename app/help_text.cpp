#include "help_text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace orka::cli {

namespace {

constexpr std::string_view kGlobalFlags =
    "global flags (accepted anywhere before `--`):\n"
    "  --kubeconfig FILE     use this kubeconfig file only (default: $KUBECONFIG, ~/.kube/config)\n"
    "  --context NAME        the kubeconfig context to use (default: $ORKA_CONTEXT, then the\n"
    "                        kubeconfig's current-context; logs: several, NAME,NAME)\n"
    "  -n, --namespace NS    the namespace (default: $ORKA_NAMESPACE, the config file's for\n"
    "                        the context, the context's own, then \"default\")\n"
    "  -v, -vv, --v=N        print requests (1) and response bodies (2); secrets are masked\n"
    "  --plugin-path DIR     look for op plugins in DIR first (repeatable; then\n"
    "                        $ORKA_PLUGIN_PATH, then the directory installed with orka)\n"
    "  --cache-dir DIR       keep API discovery here, per server and user, for 6 hours\n"
    "                        (default: $XDG_CACHE_HOME/orka, then ~/.cache/orka)\n"
    "  --config FILE         orka's settings (default: $ORKA_CONFIG, then\n"
    "                        $XDG_CONFIG_HOME/orka/config.yaml, ~/.config/orka/config.yaml;\n"
    "                        an empty FILE reads none); flags > environment > file\n"
    "  --colour WHEN         auto, always or never (also --color; default: $ORKA_COLOUR,\n"
    "                        never if $NO_COLOR is set, the config file's, then auto)\n"
    "  -h, --help            help for orka or for the command it follows\n";

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

void print_main_help(std::ostream& out, std::string_view program) {
  out << "orka " << version_string()
      << ": fast imperative Kubernetes ops\n\n"
         "usage: orka [global flags] <command> [args]\n\n"
         "commands:\n"
         "  ops <op> [args]   run an op: logs, exec, pf, scale, rr, delete, cordon, drain, caps\n"
         "                    (`orka ops --help` lists every op the loaded plugins provide)\n"
         "  plugins [--json]  list the loaded plugins and any that were refused, with reasons\n"
         "  version [--server] [--json]\n"
         "                    print orka's version and plugin ABI; --server: the API server's\n"
         "                    version and what --transport auto picks there for exec and pf\n"
         "  completion bash|zsh|fish\n"
         "                    print the shell completion script (commands, flags, live names)\n"
         "  man DIR           write the man pages (orka.1, orka-ops-logs.1, ...) into DIR\n\n"
      << kGlobalFlags
      << "\nexit codes: 0 ok, 1 the operation failed, 2 usage error, 130 cancelled (Ctrl-C);\n"
         "`orka ops exec` exits with the remote command's code.\n";
  if (program != "orka")
    out << "\nRun by kubectl as its plugin (kubectl-orka): give orka's flags after `orka`, as in\n"
           "`kubectl orka --context NAME ops logs POD`. kubectl passes only what follows the\n"
           "plugin's name and refuses flags before it (`kubectl --context NAME orka` fails).\n";
}

void print_ops_help(std::ostream& out, const Host& host) {
  std::vector<const CommandSpec*> specs;
  for (const auto& spec : host.commands()) specs.push_back(&spec);
  std::sort(specs.begin(), specs.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  std::size_t width = 0;
  for (const auto* spec : specs) width = std::max(width, spec->name.size());

  out << "usage: orka ops <op> [args] [global flags]\n\nops:\n";
  for (const auto* spec : specs) {
    out << fmt::format("  {:<{}}  {}", spec->name, width, spec->summary);
    if (!spec->aliases.empty()) out << fmt::format(" (also: {})", fmt::join(spec->aliases, ", "));
    out << '\n';
  }
  if (specs.empty()) out << "  (none: no plugin loaded; run `orka plugins` to see why)\n";
  if (!host.load_errors().empty())
    out << fmt::format("\n{} plugin(s) could not be loaded; run `orka plugins` for the reasons.\n",
                       host.load_errors().size());
  out << "\nRun `orka ops <op> --help` for an op's own flags.\n";
}

void print_global_flags_note(std::ostream& out) {
  out << "\nGlobal flags (--kubeconfig, --context, -n, -v, --plugin-path, --cache-dir, --config,\n"
         "--colour) also apply; see `orka --help`. Defaults for this command's flags may come\n"
         "from the config file (flags:, ops:) and ORKA_TRANSPORT, ORKA_MAX_STREAMS, ORKA_KEEPALIVE.\n";
}

void print_plugins_help(std::ostream& out) {
  out << "usage: orka plugins [--json] [global flags]\n\n"
         "Lists the op plugins found on the plugin path (name, version, plugin ABI, file,\n"
         "commands) and every plugin that was refused, with the reason. Exits 0 even when\n"
         "some plugins were refused.\n";
}

void print_version_help(std::ostream& out) {
  out << "usage: orka version [--server] [--json] [global flags]\n\n"
         "Prints orka's version and the plugin ABI it loads. With --server, also the API\n"
         "server's version (one GET /version through the current context, 10 s timeout) and\n"
         "what --transport auto picks on that server for `exec -i`, `exec` and `pf`, with the\n"
         "forms tried next if the server refuses the first. --json prints one object.\n"
         "An unreachable server is an error (exit 1).\n";
}

void print_completion_help(std::ostream& out) {
  out << "usage: orka completion bash|zsh|fish [global flags]\n\n"
         "Prints the completion script for the shell. It completes commands, the flags of the\n"
         "op on the line (what the loaded plugins registered, third-party ops included), flag\n"
         "values orka knows and live names from the cluster: pods, workloads (deploy/NAME,\n"
         "sts/NAME, ...), containers of the pod on the line, nodes, namespaces, contexts and the\n"
         "ports of the pf target. Each list is one request with a 2 s limit, kept 5 s in the\n"
         "cache directory; a slow or failing cluster completes nothing.\n\n"
         "to load it:\n"
         "  bash  source <(orka completion bash)   (or save it as /etc/bash_completion.d/orka)\n"
         "  zsh   source <(orka completion zsh)    (after compinit)\n"
         "  fish  orka completion fish | source\n";
}

void print_man_help(std::ostream& out) {
  out << "usage: orka man DIR [global flags]\n\n"
         "Writes a man page for orka and for each of its commands into DIR (orka.1,\n"
         "orka-ops.1, orka-ops-logs.1, ... for every op the loaded plugins provide, third-party\n"
         "ops included), made from the same descriptions as --help. Read one with\n"
         "`man -l DIR/orka-ops-logs.1`.\n";
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const auto distance = edit_distance(word, candidate);
    const bool prefix = candidate.starts_with(word) && word.size() >= 2;
    const auto limit = std::max<std::size_t>(1, std::min(word.size(), candidate.size()) / 3);
    if ((prefix || distance <= limit) && (!best || distance < best_distance)) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace orka::cli
