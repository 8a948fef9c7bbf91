#include "command_flags.hpp"

#include <sstream>

#include "help_page.hpp"

namespace orka::cli {

std::vector<CommandFlag> parse_flag_table(std::string_view help) {
  // The page is read by the same reader as completion's and the man pages' (help_page.hpp).
  std::vector<CommandFlag> table;
  for (const FlagSpec& spec : page_flags(parse_help_page(help))) {
    CommandFlag flag;
    for (const std::string& name : spec.names) {
      if (name.starts_with("--")) {
        if (flag.long_name.empty()) flag.long_name = name.substr(2, name.find('=') - 2);
      } else if (name.size() == 2 && name[0] == '-' && !flag.short_name) {
        flag.short_name = name[1];
      }
    }
    if (flag.long_name.empty() && !flag.short_name) continue;
    flag.kind = spec.value_optional          ? CommandFlag::Kind::OptionalValue
                : spec.value_name.empty() ? CommandFlag::Kind::Switch
                                          : CommandFlag::Kind::Value;
    table.push_back(std::move(flag));
  }
  return table;
}

Result<std::vector<CommandFlag>> command_flags(const CommandSpec& spec, Services& services,
                                               Ops& ops) {
  std::ostringstream out, err;
  CommandContext context{services, ops, spec.name, {"--help"}, out, err, CancelToken{}};
  auto ran = spec.run(context);
  if (!ran) return fail(ran.error());
  return parse_flag_table(out.str());
}

const CommandFlag* find_flag(const std::vector<CommandFlag>& table, std::string_view long_name) {
  for (const auto& flag : table)
    if (flag.long_name == long_name) return &flag;
  return nullptr;
}

}  // namespace orka::cli
