#include "cli.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "command_catalog.hpp"
#include "completion.hpp"
#include "completion_scripts.hpp"
#include "global_flags.hpp"
#include "help_text.hpp"
#include "live_names.hpp"
#include "man_pages.hpp"
#include "orka/host.hpp"
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

std::unique_ptr<Host> make_host(const GlobalFlags& flags, bool load_plugins = true,
                                std::ostream* diagnostics = nullptr) {
  HostOptions options;
  options.diagnostics = diagnostics;
  options.kubeconfig = flags.kubeconfig;
  options.context = flags.context;
  options.namespace_ = flags.namespace_;
  options.verbosity = flags.verbosity;
  options.plugin_paths = flags.plugin_paths;
  options.cache_dir = flags.cache_dir;
  auto host = Host::create(std::move(options));
  if (load_plugins) host->load_plugins();
  return host;
}

std::vector<std::string> command_words(const Host& host) {
  std::vector<std::string> words;
  for (const auto& spec : host.commands()) {
    words.push_back(spec.name);
    words.insert(words.end(), spec.aliases.begin(), spec.aliases.end());
  }
  return words;
}

Result<int> run_ops(const CommandLine& line, Terminal& terminal, const CancelToken& cancel) {
  auto host = make_host(line.flags);
  if (line.words.size() < 2) {
    if (line.flags.help) {
      print_ops_help(terminal.out, *host);
      return kExitOk;
    }
    print_ops_help(terminal.err, *host);
    return std::unexpected(usage_error("`orka ops` needs an op", "e.g. `orka ops logs POD`"));
  }

  const std::string& name = line.words[1];
  if (name.starts_with("-"))
    return std::unexpected(
        usage_error("unknown flag " + name + " for `orka ops`", "run `orka ops --help`"));
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

  CommandContext context{host->services(),
                         host->ops(),
                         name,
                         std::move(args),
                         terminal.out,
                         terminal.err,
                         cancel,
                         terminal.out_is_tty,
                         terminal.err_is_tty};
  auto result = spec->run(context);
  if (line.flags.help && result) print_global_flags_note(terminal.out);
  terminal.out.flush();
  return result;
}

Result<int> run_plugins(const CommandLine& line, Terminal& terminal) {
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
  auto host = make_host(line.flags);
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

Result<int> run_version(const CommandLine& line, Terminal& terminal, const CancelToken& cancel) {
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
  auto host = make_host(line.flags, /*load_plugins=*/false);
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
Result<int> run_man(const CommandLine& line, Terminal& terminal) {
  if (line.flags.help) {
    print_man_help(terminal.out);
    return kExitOk;
  }
  if (line.words.size() != 2)
    return std::unexpected(usage_error("`orka man` needs the directory to write the pages into",
                                       "e.g. `orka man ./man1`"));
  auto host = make_host(line.flags);
  CommandCatalog catalog(*host);
  auto written = write_man_pages(catalog, line.words[1]);
  if (!written) return std::unexpected(written.error());
  for (const auto& file : *written) terminal.out << file << '\n';
  return kExitOk;
}

Result<int> dispatch(CommandLine line, Terminal& terminal, const CancelToken& cancel) {
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
    return dispatch(std::move(line), terminal, cancel);
  }
  if (command == "ops") return run_ops(line, terminal, cancel);
  if (command == "plugins") return run_plugins(line, terminal);
  if (command == "version") return run_version(line, terminal, cancel);
  if (command == "completion") return run_completion(line, terminal);
  if (command == "man") return run_man(line, terminal);

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

Result<int> dispatch_as_run(CommandLine line, Terminal& terminal, const CancelToken& cancel) {
  if (terminal.program == kPlainProgram || !prints_help(line))
    return dispatch(std::move(line), terminal, cancel);
  std::ostringstream out, err;
  Terminal captured{out, err, terminal.out_is_tty, terminal.err_is_tty, terminal.program};
  auto result = dispatch(std::move(line), captured, cancel);
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
    auto host = make_host(flags, /*load_plugins=*/true, &discard);
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

  auto result = dispatch_as_run(std::move(*line), terminal, cancel);
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
