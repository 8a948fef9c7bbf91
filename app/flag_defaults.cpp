#include "flag_defaults.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "help_text.hpp"

namespace orka::cli {

namespace {

const CommandFlag* find_short(const std::vector<CommandFlag>& table, char name) {
  for (const auto& flag : table)
    if (flag.short_name == name) return &flag;
  return nullptr;
}

// The long names of the flags the user typed, read as cxxopts reads them: --name, --name=v,
// --name v (a value flag takes the next word), -abc (switches bundled; a value flag ends the
// bundle and takes the rest or the next word); nothing after "--".
std::set<std::string> flags_given(const std::vector<CommandFlag>& table,
                                  const std::vector<std::string>& args) {
  std::set<std::string> given;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--") break;
    if (arg.starts_with("--")) {
      const auto equals = arg.find('=');
      const auto name = arg.substr(2, equals == std::string_view::npos ? arg.npos : equals - 2);
      const CommandFlag* flag = find_flag(table, name);
      if (flag == nullptr) continue;
      given.insert(flag->long_name);
      if (equals == std::string_view::npos && flag->kind == CommandFlag::Kind::Value) ++i;
    } else if (arg.size() > 1 && arg[0] == '-') {
      for (std::size_t k = 1; k < arg.size(); ++k) {
        const CommandFlag* flag = find_short(table, arg[k]);
        if (flag == nullptr) continue;
        if (!flag->long_name.empty()) given.insert(flag->long_name);
        if (flag->kind == CommandFlag::Kind::Value) {
          if (k + 1 == arg.size()) ++i;
          break;
        }
      }
    }
  }
  return given;
}

const std::vector<FlagDefault>* command_section(const std::vector<std::string>& names,
                                                const ConfigFile& config) {
  for (const auto& name : names)
    if (auto found = config.by_command.find(name); found != config.by_command.end())
      return &found->second;
  return nullptr;
}

std::vector<FlagDefault> environment_defaults(const EnvLookup& getenv) {
  std::vector<FlagDefault> defaults;
  for (const auto& [variable, flag] : flag_variables()) {
    auto value = getenv(std::string(variable));
    if (!value || value->empty()) continue;  // an empty variable is an unset one
    defaults.push_back({std::string(flag), {*value}, false,
                        fmt::format("the environment ({}={})", variable, *value)});
  }
  return defaults;
}

std::vector<std::string> long_names(const std::vector<CommandFlag>& table) {
  std::vector<std::string> names;
  for (const auto& flag : table)
    if (!flag.long_name.empty() && flag.long_name != "help") names.push_back(flag.long_name);
  return names;
}

// The words that give `flag` its default; none for a switch defaulted to false.
std::vector<std::string> default_words(const CommandFlag& flag, const FlagDefault& value) {
  std::vector<std::string> words;
  const std::string dashed = "--" + flag.long_name;
  if (flag.kind == CommandFlag::Kind::Switch ||
      (flag.kind == CommandFlag::Kind::OptionalValue && value.is_bool)) {
    if (value.values.front() == "true") words.push_back(dashed);
    return words;
  }
  for (const auto& one : value.values) words.push_back(dashed + "=" + one);
  return words;
}

}  // namespace

const std::vector<FlagVariable>& flag_variables() {
  static const std::vector<FlagVariable> kVariables{
      {"ORKA_TRANSPORT", "transport"},
      {"ORKA_MAX_STREAMS", "max-streams"},
      {"ORKA_KEEPALIVE", "keepalive"},
  };
  return kVariables;
}

bool has_flag_defaults(const std::vector<std::string>& names, const ConfigFile& config,
                       const EnvLookup& getenv) {
  return !config.all_commands.empty() || command_section(names, config) != nullptr ||
         !environment_defaults(getenv).empty();
}

Result<DefaultedArgs> apply_flag_defaults(const std::vector<std::string>& names,
                                          const std::vector<CommandFlag>& table,
                                          const std::vector<std::string>& user_args,
                                          const ConfigFile& config, const EnvLookup& getenv) {
  DefaultedArgs result;
  const std::string command = "`orka ops " + (names.empty() ? std::string() : names.front()) + "`";
  // Highest precedence first; a flag takes its value from the first source that has it.
  std::vector<FlagDefault> candidates = environment_defaults(getenv);
  const auto env_count = candidates.size();
  const auto* section = command_section(names, config);
  if (section != nullptr) candidates.insert(candidates.end(), section->begin(), section->end());
  const auto section_end = candidates.size();
  candidates.insert(candidates.end(), config.all_commands.begin(), config.all_commands.end());

  const auto given = flags_given(table, user_args);
  std::set<std::string> decided;
  std::vector<std::string> words;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const FlagDefault& candidate = candidates[i];
    const bool from_section = i >= env_count && i < section_end;
    const CommandFlag* flag = find_flag(table, candidate.flag);
    if (flag == nullptr || candidate.flag == "help") {
      if (from_section) {
        std::string hint;
        if (auto near = closest_match(candidate.flag, long_names(table)))
          hint = fmt::format("did you mean \"{}\"? ", *near);
        return fail(ErrorKind::Usage,
                    fmt::format("{}: {} has no flag --{}", candidate.origin, command, candidate.flag),
                    hint + fmt::format("its flags are listed by `orka ops {} --help`",
                                       names.empty() ? std::string() : names.front()));
      }
      result.notes.push_back(fmt::format("{}: {} has no --{}; not applied", candidate.origin,
                                         command, candidate.flag));
      continue;
    }
    if (!decided.insert(candidate.flag).second) continue;  // a higher source already chose
    if (given.count(candidate.flag) > 0) continue;         // typed on the command line
    if (flag->kind == CommandFlag::Kind::Switch && !candidate.is_bool)
      return fail(ErrorKind::Usage,
                  fmt::format("{}: --{} is a switch: expected true or false, got \"{}\"",
                              candidate.origin, candidate.flag, candidate.values.front()),
                  "write true or false without quotes");
    auto defaults = default_words(*flag, candidate);
    if (defaults.empty()) continue;
    words.insert(words.end(), defaults.begin(), defaults.end());
    result.applied.push_back(candidate);
  }
  result.args = std::move(words);
  result.args.insert(result.args.end(), user_args.begin(), user_args.end());
  return result;
}

Error attribute_to_default(Error error, const std::vector<FlagDefault>& applied) {
  if (error.kind != ErrorKind::Usage || applied.empty()) return error;
  auto names_flag = [&](const FlagDefault& flag) {
    const std::string dashed = "--" + flag.flag;
    for (auto at = error.message.find(dashed); at != std::string::npos;
         at = error.message.find(dashed, at + 1)) {
      const auto after = at + dashed.size();
      if (after == error.message.size() ||
          !(std::isalnum(static_cast<unsigned char>(error.message[after])) ||
            error.message[after] == '-'))
        return true;
    }
    return false;
  };
  // Commands quote a value they refuse ("unknown transport \"x\"") without always naming the flag.
  auto quotes_value = [&](const FlagDefault& flag) {
    for (const auto& value : flag.values)
      if (!value.empty() && error.message.find("\"" + value + "\"") != std::string::npos) return true;
    return false;
  };
  for (auto matches : {std::function<bool(const FlagDefault&)>(names_flag),
                       std::function<bool(const FlagDefault&)>(quotes_value)})
    for (const auto& flag : applied)
      if (matches(flag)) {
        error.message = fmt::format("{}: {}", flag.origin, error.message);
        return error;
      }
  std::string from;
  for (const auto& flag : applied) from += fmt::format("{}--{} from {}", from.empty() ? "" : "; ", flag.flag, flag.origin);
  error.hint += (error.hint.empty() ? "" : "; ") + ("defaults in effect: " + from);
  return error;
}

}  // namespace orka::cli
