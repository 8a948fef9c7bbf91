// `orka ops cordon NODE... [--off]` and its alias `orka ops uncordon NODE...`.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <ostream>

#include "cordon.hpp"
#include "orka/command_args.hpp"
#include "orka/object_names.hpp"
#include "orka/output.hpp"

namespace orka::cordon {

namespace {

constexpr const char* kUsage = "orka ops cordon NODE... [--off] [--json]\n"
                               "       orka ops uncordon NODE... [--json]";
constexpr const char* kSummary = "Mark nodes unschedulable (uncordon: schedulable again)";

struct CordonCommandOptions {
  std::vector<std::string> nodes;
  bool on = true;
  bool json = false;
  bool help = false;
};

CommandLine command_line() {
  CommandLine cli("orka ops cordon", kSummary, "NODE... [--off] [--json]", kUsage,
                  "print one JSON object per node");
  cli.add_options()("off", "make the nodes schedulable again (what `uncordon` does)");
  return cli;
}

std::string bare_node_name(const std::string& text) {
  auto slash = text.find('/');
  return slash == std::string::npos ? text : text.substr(slash + 1);
}

Result<CordonCommandOptions> parse(CommandLine& cli, const CommandContext& ctx) {
  auto parsed_or = cli.parse(ctx.args);
  if (!parsed_or) return fail(parsed_or.error());
  const cxxopts::ParseResult& parsed = *parsed_or;
  CordonCommandOptions options;
  options.help = parsed.count("help") > 0;
  options.json = parsed.count("json") > 0;
  options.on = ctx.invoked_as != "uncordon" && parsed.count("off") == 0;
  if (ctx.invoked_as == "uncordon" && parsed.count("off") > 0)
    return fail(cli.usage_error("`uncordon` already means --off; drop the flag"));
  options.nodes = parsed.unmatched();
  if (options.help) return options;
  if (options.nodes.empty())
    return fail(cli.usage_error("name at least one node"));
  for (const auto& node : options.nodes) {
    if (node.empty() || node.front() == '-')
      return fail(cli.usage_error(fmt::format("{} is not a node name", quote_name(node))));
    if (auto slash = node.find('/'); slash != std::string::npos) {
      const std::string type = node.substr(0, slash);
      // A "type" that is no word at all means a malformed name, not another kind of object.
      if (!check_name("type", type, NameRule::Dns1123Label))
        return fail(check_name("node", node, NameRule::Dns1123Subdomain).error());
      if (type != "node" && type != "nodes" && type != "no")
        return fail(cli.usage_error(fmt::format("{}: only nodes can be cordoned", quote_name(node))));
    }
    // Every name is checked before the first node is touched.
    if (auto valid = check_name("node", bare_node_name(node), NameRule::Dns1123Subdomain); !valid)
      return fail(valid.error());
  }
  return options;
}

}  // namespace

CommandSpec cordon_command() {
  CommandSpec spec;
  spec.name = "cordon";
  spec.aliases = {"uncordon"};
  spec.summary = kSummary;
  spec.usage = "orka ops cordon NODE... [--off]";
  spec.run = [](CommandContext& ctx) -> Result<int> {
    CommandLine cli = command_line();
    auto options = parse(cli, ctx);
    if (!options) return fail(options.error());
    if (options->help) {
      cli.print_help(ctx.out);
      return 0;
    }
    JsonLinesWriter json(ctx.out);
    std::vector<Error> failures;
    for (const auto& typed : options->nodes) {
      const std::string node = bare_node_name(typed);
      auto outcome = ctx.ops.cordon(node, options->on);
      if (!outcome) {
        failures.push_back(outcome.error());
        continue;
      }
      if (options->json) {
        json.write({{"node", node}, {"unschedulable", options->on}, {"changed", outcome->changed}});
      } else {
        const char* state = options->on ? "cordoned" : "uncordoned";
        ctx.out << "node/" << node << (outcome->changed ? " " : " already ") << state << '\n';
      }
    }
    if (failures.empty()) return 0;
    // The last failure goes back to the caller (which prints it); earlier ones are printed here.
    for (std::size_t i = 0; i + 1 < failures.size(); ++i) ctx.err << describe(failures[i]) << '\n';
    return fail(failures.back());
  };
  return spec;
}

}  // namespace orka::cordon
