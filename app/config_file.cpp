#include "config_file.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "help_text.hpp"
#include "orka/object_names.hpp"

namespace orka::cli {

namespace {

constexpr std::string_view kDocs = "see docs/imperative-ops.md, \"Config file\"";
// A config file is a few lines; anything this big is not one.
constexpr std::size_t kMaxConfigBytes = 1 << 20;

// Messages about one place in the file: "FILE line N: ...".
class ConfigProblems {
 public:
  explicit ConfigProblems(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  std::string where(const YAML::Node& node) const {
    return fmt::format("{} line {}", path_, node.Mark().line + 1);
  }
  std::unexpected<Error> at(const YAML::Node& node, std::string message,
                            std::string hint = std::string(kDocs)) const {
    return fail(ErrorKind::Usage, where(node) + ": " + message, std::move(hint));
  }

 private:
  std::string path_;
};

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

std::string unknown_key_hint(const std::string& key, const std::vector<std::string>& known) {
  std::string hint;
  if (auto near = closest_match(key, known)) hint = fmt::format("did you mean \"{}\"? ", *near);
  return hint + "the keys here are " + join(known) + "; " + std::string(kDocs);
}

// The keys of a map node in order, each once: a key given twice is an error (YAML leaves the
// choice to the reader; a silent pick would hide a mistake).
struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};
Result<std::vector<Entry>> map_entries(const YAML::Node& node, const std::string& what,
                                       const ConfigProblems& problems) {
  std::vector<Entry> entries;
  if (node.IsNull()) return entries;  // `flags:` with nothing under it
  if (!node.IsMap())
    return problems.at(node, fmt::format("{} must be a mapping of keys to values", what));
  std::map<std::string, int> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar())
      return problems.at(it->first, fmt::format("a key in {} must be a plain word", what));
    std::string key = it->first.Scalar();
    const int line = it->first.Mark().line + 1;
    if (auto [before, fresh] = seen.emplace(key, line); !fresh)
      return problems.at(it->first, fmt::format("\"{}\" is given twice in {} (first on line {})",
                                                key, what, before->second));
    entries.push_back({std::move(key), it->first, it->second});
  }
  return entries;
}

// Where a value is, for messages: an empty value has no place of its own, so its key's.
const YAML::Node& value_place(const YAML::Node& key, const YAML::Node& value) {
  return value.IsNull() ? key : value;
}

bool plain_bool(const YAML::Node& node, bool& value) {
  // Only an unquoted true/false reads as a switch's value; "true" in quotes stays a string.
  if (node.Tag() != "?") return false;
  static const std::set<std::string> kTrue{"true", "True", "TRUE"};
  static const std::set<std::string> kFalse{"false", "False", "FALSE"};
  if (kTrue.count(node.Scalar())) value = true;
  else if (kFalse.count(node.Scalar())) value = false;
  else return false;
  return true;
}

bool looks_like_flag_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '-') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

Result<FlagDefault> read_flag_default(const Entry& entry, const std::string& section,
                                      const ConfigProblems& problems) {
  const std::string key = section + "." + entry.key;
  if (!looks_like_flag_name(entry.key))
    return problems.at(entry.key_node,
                       fmt::format("{}: \"{}\" is not a flag name (write it as on the command "
                                   "line without the dashes, e.g. max-streams)",
                                   key, entry.key));
  if (entry.key == "help")
    return problems.at(entry.key_node, key + ": --help cannot have a default");
  FlagDefault flag{entry.key, {}, false,
                   fmt::format("{} ({})", problems.where(entry.key_node), key)};
  auto add_scalar = [&](const YAML::Node& value) -> Result<void> {
    if (value.IsNull())
      return problems.at(value_place(entry.key_node, value), key + ": no value (give one, or remove the key)");
    if (!value.IsScalar())
      return problems.at(value, key + ": expected a value (a word, number or true/false) or a "
                                      "list of them, not a mapping");
    bool as_bool = false;
    flag.is_bool = plain_bool(value, as_bool);
    flag.values.push_back(flag.is_bool ? (as_bool ? "true" : "false") : value.Scalar());
    return {};
  };
  if (entry.value.IsSequence()) {
    if (entry.value.size() == 0)
      return problems.at(entry.value, key + ": an empty list (remove the key instead)");
    for (const auto& item : entry.value) {
      if (item.IsSequence() || item.IsMap())
        return problems.at(item, key + ": a list of values cannot hold lists or mappings");
      if (auto added = add_scalar(item); !added) return std::unexpected(added.error());
    }
    if (flag.is_bool)
      return problems.at(entry.value, key + ": a list of true/false makes no sense for a switch");
  } else if (auto added = add_scalar(entry.value); !added) {
    return std::unexpected(added.error());
  }
  return flag;
}

Result<std::vector<FlagDefault>> read_flag_section(const YAML::Node& node,
                                                   const std::string& section,
                                                   const ConfigProblems& problems) {
  auto entries = map_entries(node, section, problems);
  if (!entries) return std::unexpected(entries.error());
  std::vector<FlagDefault> flags;
  for (const auto& entry : *entries) {
    auto flag = read_flag_default(entry, section, problems);
    if (!flag) return std::unexpected(flag.error());
    flags.push_back(std::move(*flag));
  }
  return flags;
}

Result<void> read_colour(const Entry& entry, ConfigFile& config, const ConfigProblems& problems) {
  auto choice = entry.value.IsScalar() ? parse_colour_choice(entry.value.Scalar()) : std::nullopt;
  if (!choice)
    return problems.at(value_place(entry.key_node, entry.value),
                       fmt::format("{}: expected auto, always or never{}", entry.key,
                                   entry.value.IsScalar()
                                       ? fmt::format(", got \"{}\"", entry.value.Scalar())
                                       : std::string()));
  config.colour = *choice;
  config.colour_origin = fmt::format("{} ({})", problems.where(entry.key_node), entry.key);
  return {};
}

Result<void> read_contexts(const Entry& entry, ConfigFile& config,
                           const ConfigProblems& problems) {
  auto contexts = map_entries(entry.value, "contexts", problems);
  if (!contexts) return std::unexpected(contexts.error());
  for (const auto& context : *contexts) {
    const std::string section = "contexts." + context.key;
    auto settings = map_entries(context.value, section, problems);
    if (!settings) return std::unexpected(settings.error());
    for (const auto& setting : *settings) {
      if (setting.key != "namespace")
        return problems.at(setting.key_node,
                           fmt::format("unknown key \"{}\" in {}", setting.key, section),
                           unknown_key_hint(setting.key, {"namespace"}));
      const std::string key = section + ".namespace";
      if (!setting.value.IsScalar())
        return problems.at(value_place(setting.key_node, setting.value),
                           key + ": expected a namespace name");
      if (auto valid = check_namespace(setting.value.Scalar()); !valid)
        return problems.at(setting.value, key + ": " + valid.error().message);
      config.namespaces[context.key] = {
          setting.value.Scalar(), fmt::format("{} ({})", problems.where(setting.key_node), key)};
    }
  }
  return {};
}

Result<void> read_ops(const Entry& entry, ConfigFile& config, const ConfigProblems& problems) {
  auto commands = map_entries(entry.value, "ops", problems);
  if (!commands) return std::unexpected(commands.error());
  for (const auto& command : *commands) {
    auto flags = read_flag_section(command.value, "ops." + command.key, problems);
    if (!flags) return std::unexpected(flags.error());
    config.by_command[command.key] = std::move(*flags);
    config.command_origins[command.key] = problems.where(command.key_node);
  }
  return {};
}

}  // namespace

ConfigLocation locate_config_file(const std::optional<std::string>& flag,
                                  const EnvLookup& getenv) {
  if (flag) return {flag->empty() ? std::nullopt : flag, true, "--config"};
  if (auto env = getenv("ORKA_CONFIG"))
    return {env->empty() ? std::nullopt : env, true, "ORKA_CONFIG"};
  // XDG: a relative XDG_CONFIG_HOME is invalid and ignored.
  if (auto xdg = getenv("XDG_CONFIG_HOME"); xdg && xdg->starts_with('/'))
    return {*xdg + "/orka/config.yaml", false, "default"};
  if (auto home = getenv("HOME"); home && home->starts_with('/'))
    return {*home + "/.config/orka/config.yaml", false, "default"};
  return {std::nullopt, false, "default"};
}

Result<ConfigFile> parse_config_text(const std::string& text, const std::string& path) {
  ConfigProblems problems(path);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::Usage,
                fmt::format("{} line {}: not valid YAML: {}", path, e.mark.line + 1, e.msg),
                std::string(kDocs));
  }
  ConfigFile config;
  config.path = path;
  if (root.IsNull()) return config;  // an empty file, or only comments
  if (!root.IsMap())
    return problems.at(root, "the file must be a mapping (colour:, contexts:, flags:, ops:)");
  auto entries = map_entries(root, "the file", problems);
  if (!entries) return std::unexpected(entries.error());
  static const std::vector<std::string> kKeys{"colour", "color", "contexts", "flags", "ops"};
  bool colour_seen = false;
  for (const auto& entry : *entries) {
    Result<void> read;
    if (entry.key == "colour" || entry.key == "color") {
      if (colour_seen)
        return problems.at(entry.key_node, "colour is given twice (as colour and color)");
      colour_seen = true;
      read = read_colour(entry, config, problems);
    } else if (entry.key == "contexts") {
      read = read_contexts(entry, config, problems);
    } else if (entry.key == "flags") {
      auto flags = read_flag_section(entry.value, "flags", problems);
      if (!flags) return std::unexpected(flags.error());
      config.all_commands = std::move(*flags);
    } else if (entry.key == "ops") {
      read = read_ops(entry, config, problems);
    } else {
      return problems.at(entry.key_node, fmt::format("unknown key \"{}\"", entry.key),
                         unknown_key_hint(entry.key, kKeys));
    }
    if (!read) return std::unexpected(read.error());
  }
  return config;
}

Result<ConfigFile> load_config_file(const ConfigLocation& location) {
  if (!location.path) return ConfigFile{};
  const std::string& path = *location.path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    if (error == ENOENT && !location.required) return ConfigFile{};
    return fail(ErrorKind::Usage,
                fmt::format("cannot read the config file {} (from {}): {}", path,
                            location.chosen_by, std::strerror(error)),
                error == ENOENT ? "give an existing file, or an empty value for no config file"
                                : "fix its permissions, or set ORKA_CONFIG= (empty) to read none");
  }
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  const bool regular = !ec && std::filesystem::is_regular_file(status);
  const auto size = regular ? std::filesystem::file_size(path, ec) : 0;
  if (!regular || ec || size > kMaxConfigBytes)
    return fail(ErrorKind::Usage,
                fmt::format("cannot read the config file {} (from {}): {}", path,
                            location.chosen_by,
                            !regular ? "not a regular file" : ec ? ec.message() : "larger than 1 MiB"),
                std::string(kDocs));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return fail(ErrorKind::Usage, fmt::format("cannot read the config file {}: read error", path),
                std::string(kDocs));
  return parse_config_text(text.str(), path);
}

}  // namespace orka::cli
