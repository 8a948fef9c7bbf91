#include "plugins_listing.hpp"

#include "orka/plugin.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <string>
#include <vector>

namespace orka::cli {

namespace {

std::string abi_of(const PluginInfo& info) {
  return fmt::format("{}.{}", info.abi_major, info.abi_minor);
}

// The words each plugin command answers to: its name, then its aliases.
std::vector<std::string> command_words(const Host& host, const PluginInfo& info) {
  std::vector<std::string> words;
  for (const auto& name : info.commands) {
    words.push_back(name);
    if (const auto* spec = host.find_command(name))
      words.insert(words.end(), spec->aliases.begin(), spec->aliases.end());
  }
  return words;
}

// Commands no plugin added: the host's own (caps) and any an embedder added.
std::vector<std::string> builtin_commands(const Host& host) {
  std::set<std::string> from_plugins;
  for (const auto& info : host.plugins())
    from_plugins.insert(info.commands.begin(), info.commands.end());
  std::vector<std::string> builtins;
  for (const auto& spec : host.commands())
    if (from_plugins.count(spec.name) == 0) builtins.push_back(spec.name);
  return builtins;
}

}  // namespace

nlohmann::json plugins_report(const Host& host) {
  nlohmann::json report;
  report["orka_version"] = version_string();
  report["abi"] = fmt::format("{}.{}", ORKA_PLUGIN_ABI_MAJOR, ORKA_PLUGIN_ABI_MINOR);
  report["toolchain"] = ORKA_BUILD_TOOLCHAIN;
  report["search_path"] = host.plugin_search_path();
  report["plugins"] = nlohmann::json::array();
  for (const auto& info : host.plugins()) {
    report["plugins"].push_back({
        {"name", info.name},
        {"version", info.version},
        {"summary", info.summary},
        {"abi", abi_of(info)},
        {"path", info.path},
        {"commands", info.commands},
        {"ops", info.ops},
        {"toolchain", info.toolchain},
        {"sdk_version", info.sdk_version},
    });
  }
  report["builtin_commands"] = builtin_commands(host);
  report["failures"] = nlohmann::json::array();
  for (const auto& failure : host.load_errors()) {
    report["failures"].push_back({
        {"path", failure.path},
        {"name", failure.name},
        {"reason", std::string(to_string(failure.reason))},
        {"message", failure.message},
    });
  }
  return report;
}

void print_plugins_report(std::ostream& out, const Host& host) {
  const auto& plugins = host.plugins();
  if (plugins.empty()) {
    out << "no plugins loaded\n";
  } else {
    struct Row {
      std::string name, version, abi, commands, ops, path;
    };
    std::vector<Row> rows{{"NAME", "VERSION", "ABI", "COMMANDS", "OPS", "PATH"}};
    for (const auto& info : plugins)
      rows.push_back({info.name, info.version, abi_of(info),
                      fmt::format("{}", fmt::join(command_words(host, info), ",")),
                      info.ops.empty() ? "-" : fmt::format("{}", fmt::join(info.ops, ",")),
                      info.path});
    std::size_t widths[5] = {};
    for (const auto& row : rows) {
      widths[0] = std::max(widths[0], row.name.size());
      widths[1] = std::max(widths[1], row.version.size());
      widths[2] = std::max(widths[2], row.abi.size());
      widths[3] = std::max(widths[3], row.commands.size());
      widths[4] = std::max(widths[4], row.ops.size());
    }
    for (const auto& row : rows)
      out << fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", row.name, widths[0],
                         row.version, widths[1], row.abi, widths[2], row.commands, widths[3],
                         row.ops, widths[4], row.path);
    out << "\nbuilt with: " << ORKA_BUILD_TOOLCHAIN << " (every plugin must be too)\n";
  }

  const auto builtins = builtin_commands(host);
  if (!builtins.empty()) out << fmt::format("\nbuilt-in commands: {}\n", fmt::join(builtins, ", "));

  const auto search_path = host.plugin_search_path();
  out << "\nsearch path (first plugin with a name wins):\n";
  if (search_path.empty()) out << "  (empty)\n";
  for (const auto& dir : search_path) out << "  " << dir << '\n';

  const auto& failures = host.load_errors();
  if (!failures.empty()) {
    out << fmt::format("\n{} plugin file(s) refused:\n", failures.size());
    for (const auto& failure : failures)
      out << fmt::format("  {}\n    {}: {}\n", failure.path, to_string(failure.reason),
                         failure.message);
  }
}

}  // namespace orka::cli
