#include "global_flags.hpp"

#include <charconv>
#include <string_view>

namespace orka::cli {

namespace {

constexpr int kMaxVerbosity = 10;

struct ValueFlag {
  std::string_view long_name;    // "--kubeconfig"
  std::string_view short_name;   // "-n", or empty
};

constexpr ValueFlag kKubeconfig{"--kubeconfig", ""};
constexpr ValueFlag kContext{"--context", ""};
constexpr ValueFlag kNamespace{"--namespace", "-n"};
constexpr ValueFlag kPluginPath{"--plugin-path", ""};
constexpr ValueFlag kCacheDir{"--cache-dir", ""};
constexpr ValueFlag kConfig{"--config", ""};
constexpr ValueFlag kColour{"--colour", ""};
constexpr ValueFlag kColor{"--color", ""};
constexpr const ValueFlag* kValueFlags[] = {&kKubeconfig, &kContext, &kNamespace, &kPluginPath,
                                            &kCacheDir,   &kConfig,  &kColour,    &kColor};

std::unexpected<Error> usage(std::string message, std::string hint = "run `orka --help`") {
  return fail(ErrorKind::Usage, std::move(message), std::move(hint));
}

Result<int> parse_verbosity(std::string_view flag, std::string_view text) {
  int level = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), level);
  if (ec != std::errc() || end != text.data() + text.size() || level < 0)
    return usage("flag " + std::string(flag) + " needs a number (0 quiet, 1 requests, 2 bodies), "
                 "got \"" + std::string(text) + "\"");
  return level > kMaxVerbosity ? kMaxVerbosity : level;
}

bool all_v(std::string_view text) {
  return !text.empty() && text.find_first_not_of('v') == std::string_view::npos;
}

}  // namespace

Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  CommandLine line;
  auto& flags = line.flags;

  auto store = [&](const ValueFlag* flag, std::string value) -> Result<void> {
    if (flag == &kConfig) {  // empty: read no config file
      flags.config = std::move(value);
      return {};
    }
    if (value.empty())
      return usage("flag " + std::string(flag->long_name) + " needs a non-empty value");
    if (flag == &kKubeconfig) flags.kubeconfig = std::move(value);
    else if (flag == &kContext) flags.context = std::move(value);
    else if (flag == &kNamespace) flags.namespace_ = std::move(value);
    else if (flag == &kCacheDir) flags.cache_dir = std::move(value);
    else if (flag == &kColour || flag == &kColor) flags.colour = std::move(value);
    else flags.plugin_paths.push_back(std::move(value));
    return {};
  };

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      line.words.insert(line.words.end(), args.begin() + static_cast<std::ptrdiff_t>(i),
                        args.end());
      break;
    }
    if (arg == "-h" || arg == "--help") {
      flags.help = true;
      continue;
    }
    if (arg.size() >= 2 && arg[0] == '-' && arg[1] != '-' && all_v(std::string_view(arg).substr(1))) {
      flags.verbosity += static_cast<int>(arg.size() - 1);  // -v, -vv, -vvv
      if (flags.verbosity > kMaxVerbosity) flags.verbosity = kMaxVerbosity;
      continue;
    }
    if (arg.starts_with("--v=") || arg.starts_with("-v=")) {
      auto flag = std::string_view(arg).substr(0, arg.find('='));
      auto level = parse_verbosity(flag, std::string_view(arg).substr(arg.find('=') + 1));
      if (!level) return std::unexpected(level.error());
      flags.verbosity = *level;
      continue;
    }

    bool matched = false;
    for (const ValueFlag* flag : kValueFlags) {
      std::string_view text = arg;
      const bool long_form = text == flag->long_name;
      const bool short_form = !flag->short_name.empty() && text == flag->short_name;
      if (long_form || short_form) {
        // The value is the next word; a missing one, or one that looks like a flag, means
        // the user forgot it (write `--flag=-value` for a value starting with '-').
        if (i + 1 >= args.size() || args[i + 1].starts_with("-"))
          return usage("flag " + std::string(text) + " needs a value");
        if (auto stored = store(flag, args[++i]); !stored) return std::unexpected(stored.error());
        matched = true;
        break;
      }
      if (text.starts_with(flag->long_name) && text.size() > flag->long_name.size() &&
          text[flag->long_name.size()] == '=') {
        auto stored = store(flag, std::string(text.substr(flag->long_name.size() + 1)));
        if (!stored) return std::unexpected(stored.error());
        matched = true;
        break;
      }
      if (!flag->short_name.empty() && text.starts_with(flag->short_name) &&
          text.size() > flag->short_name.size()) {
        auto value = text.substr(flag->short_name.size());  // -nprod, -n=prod
        if (value.starts_with("=")) value.remove_prefix(1);
        auto stored = store(flag, std::string(value));
        if (!stored) return std::unexpected(stored.error());
        matched = true;
        break;
      }
    }
    if (!matched) line.words.push_back(arg);
  }
  return line;
}

}  // namespace orka::cli
