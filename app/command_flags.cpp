#include "command_flags.hpp"

#include <sstream>

namespace orka::cli {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// The option part of a help line: up to the first run of two spaces (the description's gap).
std::string_view option_text(std::string_view line) {
  const auto gap = line.find("  ");
  return gap == std::string_view::npos ? line : line.substr(0, gap);
}

std::optional<CommandFlag> parse_flag_line(std::string_view line) {
  CommandFlag flag;
  std::string_view rest;
  if (line.starts_with("  -") && line.size() > 3 && line[3] != '-') {
    flag.short_name = line[3];  // "  -c, --container arg" or "  -c arg"
    rest = line.substr(4);
    if (rest.starts_with(",")) rest.remove_prefix(1);
  } else if (line.starts_with("      --")) {
    rest = line.substr(5);
  } else {
    return std::nullopt;
  }
  if (rest.starts_with(" --")) {
    rest.remove_prefix(3);
    std::size_t end = 0;
    while (end < rest.size() && is_name_char(rest[end])) ++end;
    if (end == 0) return std::nullopt;
    flag.long_name = std::string(rest.substr(0, end));
    rest.remove_prefix(end);
  } else if (!flag.short_name) {
    return std::nullopt;
  }
  rest = option_text(rest);
  if (rest.starts_with(" [=")) flag.kind = CommandFlag::Kind::OptionalValue;
  else if (rest.starts_with(" ") && rest.size() > 1) flag.kind = CommandFlag::Kind::Value;
  else if (!rest.empty()) return std::nullopt;
  return flag;
}

}  // namespace

std::vector<CommandFlag> parse_flag_table(std::string_view help) {
  std::vector<CommandFlag> table;
  while (!help.empty()) {
    const auto end = help.find('\n');
    auto line = help.substr(0, end);
    help = end == std::string_view::npos ? std::string_view() : help.substr(end + 1);
    if (auto flag = parse_flag_line(line)) table.push_back(std::move(*flag));
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
