// `orka ops cordon NODE... [--off] [--json]` and its alias `orka ops uncordon NODE...`: the node
// names in, the cordon op per node, one line (or JSON object) per node out.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <ostream>

#include "cordon.hpp"
#include "orka/command_shape.hpp"
#include "orka/object_names.hpp"
#include "orka/output.hpp"

namespace orka::cordon {

namespace {

struct CordonCommand {
  std::vector<std::string> nodes;
  bool on = true;
  bool json = false;

  static CommandInfo info() {
    return {"cordon",
            {"uncordon"},
            "Mark nodes unschedulable (uncordon: schedulable again)",
            "orka ops cordon NODE... [--off] [--json]\n       orka ops uncordon NODE... [--json]",
            "print one JSON object per node"};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    add("off", "make the nodes schedulable again (what `uncordon` does)");
  }
  static std::string_view flag_for(std::string_view) { return {}; }

  static std::string bare_node_name(const std::string& text) {
    auto slash = text.find('/');
    return slash == std::string::npos ? text : text.substr(slash + 1);
  }

  Result<void> complete(const CommandArgs& args, CommandContext&) {
    json = args.json;
    const bool off = args.flags.count("off") > 0;
    if (args.invoked_as == "uncordon" && off)
      return fail(ErrorKind::Usage, "`uncordon` already means --off; drop the flag");
    on = args.invoked_as != "uncordon" && !off;
    nodes = args.positional;
    return {};
  }

  Result<void> validate() const {
    if (nodes.empty()) return fail(ErrorKind::Usage, "name at least one node");
    for (const auto& node : nodes) {
      if (node.empty() || node.front() == '-')
        return fail(ErrorKind::Usage, fmt::format("{} is not a node name", quote_name(node)));
      if (auto slash = node.find('/'); slash != std::string::npos) {
        const std::string type = node.substr(0, slash);
        // A "type" that is no word at all means a malformed name, not another kind of object.
        if (!check_name("type", type, NameRule::Dns1123Label))
          return fail(check_name("node", node, NameRule::Dns1123Subdomain).error());
        if (type != "node" && type != "nodes" && type != "no")
          return fail(ErrorKind::Usage, fmt::format("{}: only nodes can be cordoned", quote_name(node)));
      }
      // Every name is checked before the first node is touched.
      if (auto valid = check_name("node", bare_node_name(node), NameRule::Dns1123Subdomain); !valid)
        return fail(valid.error());
    }
    return {};
  }

  Result<int> run(CommandContext& ctx) {
    JsonLinesWriter writer(ctx.out);
    std::vector<Error> failures;
    for (const auto& typed : nodes) {
      const std::string node = bare_node_name(typed);
      auto outcome = ctx.ops.run<CordonOp>(CordonRequest{node, on, ctx.cancel});
      if (!outcome) {
        failures.push_back(outcome.error());
        continue;
      }
      if (json) {
        writer.write(cordon_result_json(*outcome, on));
      } else {
        const char* state = on ? "cordoned" : "uncordoned";
        ctx.out << "node/" << node << (outcome->changed ? " " : " already ") << state << '\n';
      }
    }
    if (failures.empty()) return 0;
    // The last failure goes back to the caller (which prints it); earlier ones are printed here.
    for (std::size_t i = 0; i + 1 < failures.size(); ++i) ctx.err << describe(failures[i]) << '\n';
    return fail(failures.back());
  }
};

}  // namespace

CommandSpec cordon_command() { return command_spec<CordonCommand>(); }

}  // namespace orka::cordon
