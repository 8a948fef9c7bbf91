#include "cli.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "command_catalog.hpp"
#include "command_flags.hpp"
#include "completion.hpp"
#include "completion_scripts.hpp"
#include "config_file.hpp"
#include "flag_defaults.hpp"
#include "global_flags.hpp"
#include "help_text.hpp"
#include "live_names.hpp"
#include "man_pages.hpp"
#include "orka/colour_choice.hpp"
#include "orka/context_namespaces.hpp"
#include "orka/host.hpp"
#include "orka/plugin_index.hpp"
#include "orka/plugin.hpp"
#include "plugins_listing.hpp"
#include "program_name.hpp"
#include "version_command.hpp"

namespace orka::cli {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitCancelled = 130;
const std::vector<std::string> kTopLevelCommands = {"ops",        "plugins", "version",
                                                    "completion", "man",     "help"};
// The hidden command the completion scripts call (completion.hpp).
constexpr std::string_view kCompleteCommand = "__complete";

Error usage_error(std::string message, std::string hint) {
  return make_error(ErrorKind::Usage, std::move(message), std::move(hint));
}

// Prints an error the way every orka command does and returns its exit code.
int report(const Error& error, Terminal& terminal) {
  terminal.err << as_run_by(describe(error), terminal.program) << '\n';
  terminal.err.flush();
  return exit_code_for(error);
}

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// The settings under the command line: the environment, then the config file.
struct Settings {
  ConfigFile file;
  EnvLookup getenv = process_env;
};

// The colour choice: --colour, else ORKA_COLOUR/ORKA_COLOR, else NO_COLOR (never), else the
// file's colour:, else auto.
Result<void> choose_colour(const GlobalFlags& flags, const Settings& settings) {
  auto parsed = [](const std::string& text, const std::string& from) -> Result<ColourChoice> {
    if (auto choice = parse_colour_choice(text)) return *choice;
    return fail(ErrorKind::Usage,
                fmt::format("{} needs auto, always or never, got \"{}\"", from, text),
                "run `orka --help`");
  };
  std::optional<ColourChoice> choice;
  if (flags.colour) {
    auto chosen = parsed(*flags.colour, "flag --colour");
    if (!chosen) return std::unexpected(chosen.error());
    choice = *chosen;
  } else if (auto variable = settings.getenv("ORKA_COLOUR").value_or("").empty() ? "ORKA_COLOR" : "ORKA_COLOUR";
             !settings.getenv(variable).value_or("").empty()) {
    auto chosen = parsed(*settings.getenv(variable), fmt::format("the environment variable {}", variable));
    if (!chosen) return std::unexpected(chosen.error());
    choice = *chosen;
  } else if (settings.getenv("NO_COLOR")) {
    choice = ColourChoice::Auto;  // colour_wanted() honours NO_COLOR under auto
  } else {
    choice = settings.file.colour;
  }
  set_colour_choice(choice.value_or(ColourChoice::Auto));
  return {};
}

std::unique_ptr<Host> make_host(const GlobalFlags& flags, const Settings& settings,
                                bool load_plugins = true, std::ostream* diagnostics = nullptr) {
  HostOptions options;
  options.diagnostics = diagnostics;
  options.kubeconfig = flags.kubeconfig;
  options.context = flags.context;
  options.namespace_ = flags.namespace_;
  options.verbosity = flags.verbosity;
  options.plugin_paths = flags.plugin_paths;
  options.cache_dir = flags.cache_dir;
  // -n and --context, else ORKA_NAMESPACE and ORKA_CONTEXT; the file's namespace per context
  // comes after both (the host applies it once it knows the context).
  if (!options.namespace_)
    if (auto env = settings.getenv("ORKA_NAMESPACE"); env && !env->empty()) options.namespace_ = env;
  if (!options.context)
    if (auto env = settings.getenv("ORKA_CONTEXT"); env && !env->empty()) options.context = env;
  auto host = Host::create(std::move(options));
  if (auto* namespaces = dynamic_cast<ContextNamespaces*>(&host->services());
      namespaces != nullptr && !settings.file.namespaces.empty()) {
    std::map<std::string, std::string> by_context;
    for (const auto& [context, chosen] : settings.file.namespaces) by_context[context] = chosen.namespace_;
    namespaces->set_context_namespaces(std::move(by_context));
  }
  if (load_plugins) host->load_plugins();
  return host;
}

// The command's arguments with the environment's and the file's flag defaults in front.
Result<DefaultedArgs> with_flag_defaults(const CommandSpec& spec, Host& host,
                                         std::vector<std::string> args, const Settings& settings) {
  std::vector<std::string> names{spec.name};
  names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
  if (!has_flag_defaults(names, settings.file, settings.getenv))
    return DefaultedArgs{std::move(args), {}, {}};
  auto table = command_flags(spec, host.services(), host.ops());
  if (!table) return std::unexpected(table.error());
  return apply_flag_defaults(names, *table, args, settings.file, settings.getenv);
}

// At -v: `ops:` sections for commands no loaded plugin provides (the file may be shared by
// machines with other plugins).
void note_unknown_sections(Host& host, const Settings& settings, int verbosity,
                           std::ostream& err) {
  if (verbosity < 1) return;
  // The command's plugin alone may have been loaded (the plugin index): ask the others first.
  for (const auto& section : settings.file.command_origins)
    if (host.find_command(section.first) == nullptr) {
      host.load_plugins();
      break;
    }
  for (const auto& [name, origin] : settings.file.command_origins)
    if (host.find_command(name) == nullptr)
      err << fmt::format("note: {} (ops.{}): no loaded plugin has `orka ops {}`; not applied\n",
                         origin, name, name);
}

std::vector<std::string> command_words(const Host& host) {
  std::vector<std::string> words;
  for (const auto& spec : host.commands()) {
    words.push_back(spec.name);
    words.insert(words.end(), spec.aliases.begin(), spec.aliases.end());
  }
  return words;
}

// The plugins `orka ops NAME` needs: NAME's own through the host's plugin index when it has
// one (orka/plugin_index.hpp), else all.
void load_plugins_for(Host& host, const std::string& command) {
  auto* index = dynamic_cast<PluginIndexLoading*>(&host);
  if (index != nullptr && !command.starts_with("-"))
    index->load_plugins_for_command(command);
  else
    host.load_plugins();
}

Result<int> run_ops(const CommandLine& line, Terminal& terminal, const CancelToken& cancel,
                    const Settings& settings) {
  auto host = make_host(line.flags, settings, /*load_plugins=*/false);
  if (line.words.size() < 2) {
    host->load_plugins();
    if (line.flags.help) {
      print_ops_help(terminal.out, *host);
      return kExitOk;
    }
    print_ops_help(terminal.err, *host);
    return std::unexpected(usage_error("`orka ops` needs an op", "e.g. `orka ops logs POD`"));
  }

  const std::string& name = line.words[1];
  load_plugins_for(*host, name);
  if (name.starts_with("-"))
    return std::unexpected(
        usage_error("unknown flag " + name + " for `orka ops`", "run `orka ops --help`"));
  // Before looking the command up: at -v this may load the plugins the index left out.
  note_unknown_sections(*host, settings, line.flags.verbosity, terminal.err);
  const CommandSpec* spec = host->find_command(name);
  if (spec == nullptr) {
    std::string hint;
    if (auto near = closest_match(name, command_words(*host)))
      hint = "did you mean `orka ops " + *near + "`? ";
    hint += "`orka ops --help` lists the ops";
    if (!host->load_errors().empty())
      hint += fmt::format("; {} plugin(s) could not be loaded (see `orka plugins`)",
                          host->load_errors().size());
    return std::unexpected(usage_error("unknown op \"" + name + "\"", hint));
  }
  // The command knows its own flags: --help goes to it, as in kubectl.
  std::vector<std::string> args(line.words.begin() + 2, line.words.end());
  if (line.flags.help) args.push_back("--help");
  auto defaulted = with_flag_defaults(*spec, *host, std::move(args), settings);
  if (!defaulted) return std::unexpected(defaulted.error());
  if (line.flags.verbosity >= 1) {
    for (const auto& note : defaulted->notes) terminal.err << "note: " << note << '\n';
    for (const auto& applied : defaulted->applied)
      terminal.err << fmt::format("note: --{} from {}\n", applied.flag, applied.origin);
  }
  args = std::move(defaulted->args);

  CommandContext context{host->services(),
                         host->ops(),
                         name,
                         std::move(args),
                         terminal.out,
                         terminal.err,
                         cancel,
                         terminal.out_is_tty,
                         terminal.err_is_tty};
  // A copy: the command may run another plugin's op, whose loading (the plugin index) adds
  // commands to the host's table while this one runs.
  const CommandSpec command = *spec;
  auto result = command.run(context);
  if (line.flags.help && result) print_global_flags_note(terminal.out);
  terminal.out.flush();
  if (!result) return std::unexpected(attribute_to_default(result.error(), defaulted->applied));
  return result;
}

Result<int> run_plugins(const CommandLine& line, Terminal& terminal, const Settings& settings) {
  if (line.flags.help) {
    print_plugins_help(terminal.out);
    return kExitOk;
  }
  bool json = false;
  for (std::size_t i = 1; i < line.words.size(); ++i) {
    if (line.words[i] == "--json")
      json = true;
    else
      return std::unexpected(usage_error("unexpected argument \"" + line.words[i] +
                                             "\" for `orka plugins`",
                                         "run `orka plugins --help`"));
  }
  auto host = make_host(line.flags, settings);
  if (json) {
    terminal.out << plugins_report(*host).dump(2) << '\n';
  } else {
    print_plugins_report(terminal.out, *host);
  }
  terminal.out.flush();
  if (!host->load_errors().empty() && !json)
    terminal.err << fmt::format("note: {} plugin file(s) were refused (listed above)\n",
                                host->load_errors().size());
  return kExitOk;
}

Result<int> run_version(const CommandLine& line, Terminal& terminal, const CancelToken& cancel,
                        const Settings& settings) {
  if (line.flags.help) {
    print_version_help(terminal.out);
    return kExitOk;
  }
  auto args = parse_version_args(line.words);
  if (!args) return std::unexpected(args.error());
  if (!args->server) {
    if (args->json)
      terminal.out << nlohmann::json{{"client", client_version_json()}}.dump(2) << '\n';
    else
      print_client_version(terminal.out);
    return kExitOk;
  }
  // The server's version needs the context's client only: no plugin is loaded.
  auto host = make_host(line.flags, settings, /*load_plugins=*/false);
  std::string server_url;
  auto version = ask_server_version(host->services(), cancel, server_url);
  if (!version) return std::unexpected(version.error());
  if (args->json)
    terminal.out << server_version_json(*version, server_url).dump(2) << '\n';
  else
    print_server_version(terminal.out, *version, server_url);
  return kExitOk;
}

// `orka completion SHELL`: the script, on stdout.
Result<int> run_completion(const CommandLine& line, Terminal& terminal) {
  if (line.flags.help) {
    print_completion_help(terminal.out);
    return kExitOk;
  }
  const std::string hint = "run `orka completion --help`";
  if (line.words.size() != 2)
    return std::unexpected(usage_error("`orka completion` needs one shell: bash, zsh or fish", hint));
  auto script = completion_script(line.words[1]);
  if (!script)
    return std::unexpected(usage_error(
        "no completion script for the shell \"" + line.words[1] + "\": use bash, zsh or fish", hint));
  terminal.out << *script;
  return kExitOk;
}

// `orka man DIR`: every page, one line per file written.
Result<int> run_man(const CommandLine& line, Terminal& terminal, const Settings& settings) {
  if (line.flags.help) {
    print_man_help(terminal.out);
    return kExitOk;
  }
  if (line.words.size() != 2)
    return std::unexpected(usage_error("`orka man` needs the directory to write the pages into",
                                       "e.g. `orka man ./man1`"));
  auto host = make_host(line.flags, settings);
  CommandCatalog catalog(*host);
  auto written = write_man_pages(catalog, line.words[1]);
  if (!written) return std::unexpected(written.error());
  for (const auto& file : *written) terminal.out << file << '\n';
  return kExitOk;
}

Result<int> dispatch(CommandLine line, Terminal& terminal, const CancelToken& cancel,
                     const Settings& settings) {
  if (line.words.empty()) {
    if (line.flags.help) {
      print_main_help(terminal.out, terminal.program);
      return kExitOk;
    }
    print_main_help(terminal.err, terminal.program);
    return std::unexpected(usage_error("no command given", "e.g. `orka ops --help`"));
  }
  const std::string command = line.words.front();
  if (command == "help") {  // `orka help [command...]` is `orka [command...] --help`
    line.words.erase(line.words.begin());
    line.flags.help = true;
    if (line.words.empty() || line.words.front() == "help") {
      print_main_help(terminal.out, terminal.program);
      return kExitOk;
    }
    return dispatch(std::move(line), terminal, cancel, settings);
  }
  if (command == "ops") return run_ops(line, terminal, cancel, settings);
  if (command == "plugins") return run_plugins(line, terminal, settings);
  if (command == "version") return run_version(line, terminal, cancel, settings);
  if (command == "completion") return run_completion(line, terminal);
  if (command == "man") return run_man(line, terminal, settings);

  if (command.starts_with("-"))
    return std::unexpected(usage_error("unknown flag " + command, "run `orka --help`"));
  std::string hint;
  if (auto near = closest_match(command, kTopLevelCommands))
    hint = "did you mean `orka " + *near + "`? ";
  else if (command != "--")
    hint = "ops are run as `orka ops " + command + "`; ";
  hint += "run `orka --help`";
  return std::unexpected(usage_error("unknown command \"" + command + "\"", hint));
}

// Help screens are all text orka wrote itself: under kubectl they are rewritten to name
// `kubectl orka`. Nothing else is buffered (an op's output streams as it comes).
bool prints_help(const CommandLine& line) {
  return line.flags.help || line.words.empty() || line.words.front() == "help" ||
         (line.words.size() == 1 && line.words.front() == "ops");
}

Result<int> dispatch_as_run(CommandLine line, Terminal& terminal, const CancelToken& cancel,
                            const Settings& settings) {
  if (terminal.program == kPlainProgram || !prints_help(line))
    return dispatch(std::move(line), terminal, cancel, settings);
  std::ostringstream out, err;
  Terminal captured{out, err, terminal.out_is_tty, terminal.err_is_tty, terminal.program};
  auto result = dispatch(std::move(line), captured, cancel, settings);
  terminal.out << as_run_by(out.str(), terminal.program);
  terminal.err << as_run_by(err.str(), terminal.program);
  return result;
}

// `orka __complete WORDS... CURRENT`. Always exits 0 with a directive line, and writes
// nothing else: a shell must never show an error message as a candidate. A watchdog answers
// "nothing" if the whole lookup (an exec credential plugin, say) outlives the list deadline.
int run_complete(const std::vector<std::string>& args, Terminal& terminal) {
  std::vector<std::string> words(args.begin() + 1, args.end());
  std::string current;
  if (!words.empty()) {
    current = words.back();
    words.pop_back();
  }
  std::atomic<bool> answered{false};
  auto answer = [&](const Completion& completion) {
    if (answered.exchange(true)) return;
    terminal.out << format_completion(completion);
    terminal.out.flush();
  };
  CancelToken finished;
  std::thread watchdog([&answered, finished] {
    if (finished.wait_for(kNameListTimeout + std::chrono::seconds(1))) return;
    if (answered.exchange(true)) return;
    static constexpr char kNothing[] = ":4\n";
    (void)!::write(STDOUT_FILENO, kNothing, sizeof kNothing - 1);
    std::_Exit(0);
  });
  try {
    GlobalFlags flags = scan_global_flags(words);
    flags.verbosity = 0;  // no request lines among the candidates
    // Not even a kubeconfig warning: the shell would show it in the middle of the line.
    std::ostream discard(nullptr);
    // The environment's and the config file's settings too, when the file reads cleanly (a
    // broken one is reported by the command itself, not in the middle of a candidate list).
    Settings settings;
    if (auto file = load_config_file(locate_config_file(flags.config, settings.getenv)))
      settings.file = std::move(*file);
    auto host = make_host(flags, settings, /*load_plugins=*/true, &discard);
    CommandCatalog catalog(*host);
    LiveNames names(host->services(), flags, name_cache_for(flags.cache_dir));
    answer(complete_words(words, current, catalog, names));
  } catch (...) {
    answer(Completion{});
  }
  finished.cancel();
  watchdog.join();
  return kExitOk;
}

}  // namespace

int run(const std::vector<std::string>& args, Terminal terminal, const CancelToken& cancel) {
  if (!args.empty() && args.front() == kCompleteCommand) return run_complete(args, terminal);
  auto line = parse_command_line(args);
  if (!line) return report(line.error(), terminal);
  Settings settings;
  auto file = load_config_file(locate_config_file(line->flags.config, settings.getenv));
  if (!file) return report(file.error(), terminal);
  settings.file = std::move(*file);
  if (auto colour = choose_colour(line->flags, settings); !colour)
    return report(colour.error(), terminal);

  auto result = dispatch_as_run(std::move(*line), terminal, cancel, settings);
  terminal.out.flush();
  if (cancel.cancelled()) {
    // Ctrl-C: the user knows why it stopped; only an unrelated failure is worth printing.
    if (!result && result.error().kind != ErrorKind::Cancelled) report(result.error(), terminal);
    return kExitCancelled;
  }
  if (!result) return report(result.error(), terminal);
  return *result;
}

}  // namespace orka::cli
