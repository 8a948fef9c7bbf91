// The one shape every `orka ops` command has — kubectl's pkg/cmd/<verb>: an Options struct that
// is completed from the command line, validated, and run. The op does the work; the command only
// turns flags into the op's request and prints what comes back.
//
//   struct ScaleCommand {
//     static CommandInfo info();                          // name, usage, summary, --json help
//     static void add_flags(cxxopts::OptionAdder add);    // its own flags
//     static std::string_view flag_for(std::string_view field);  // op field → flag, or ""
//     Result<void> complete(const CommandArgs& args, CommandContext& ctx);  // flags → request
//     Result<void> validate() const;                      // what only a command line gets wrong
//     Result<int> run(CommandContext& ctx);               // call the op, print
//   };
//   registry.add_command(command_spec<ScaleCommand>());
//
// command_spec() does the rest the same way for every command: parsing (a bad value names its
// flag), --help, usage errors carrying the usage text, and op errors about a request field
// turned into usage errors about the flag that set it. Header-only (cxxopts, fmt).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orka/command.hpp"
#include "orka/command_args.hpp"
#include "orka/error.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct CommandInfo {
  std::string name;                  // "scale"
  std::vector<std::string> aliases;  // "uncordon"
  std::string summary;               // one line for `orka ops --help`
  std::string usage;                 // "orka ops scale TYPE/NAME --replicas N [flags]"
  std::string json_help;             // what --json prints; empty: the command has no --json
};

// The command line as complete() sees it.
struct CommandArgs {
  const cxxopts::ParseResult& flags;
  std::vector<std::string> positional;    // words that are not flags, before any "--"
  bool has_dashes = false;                // a "--" was given
  std::vector<std::string> after_dashes;  // everything after the first "--"
  bool json = false;                      // --json (when the command has it)
  std::string_view invoked_as;            // the name or alias typed
};

// The frame of every command: flags parsed, then complete / validate / run, with every error
// about a request field said in terms of the flag. `C` is the command's Options struct.
template <class C>
CommandSpec command_spec() {
  const CommandInfo info = C::info();
  CommandSpec spec;
  spec.name = info.name;
  spec.aliases = info.aliases;
  spec.summary = info.summary;
  spec.usage = info.usage;
  spec.run = [info](CommandContext& ctx) -> Result<int> {
    CommandLine cli("orka ops " + info.name, info.summary, info.usage, info.json_help);
    C::add_flags(cli.add_options());
    auto dashes = std::find(ctx.args.begin(), ctx.args.end(), "--");
    const std::vector<std::string> before(ctx.args.begin(), dashes);
    auto parsed = cli.parse(before);
    if (!parsed) return fail(parsed.error());
    if (parsed->count("help") > 0) {
      cli.print_help(ctx.out);
      return 0;
    }
    CommandArgs args{*parsed,
                     parsed->unmatched(),
                     dashes != ctx.args.end(),
                     dashes != ctx.args.end() ? std::vector<std::string>(dashes + 1, ctx.args.end())
                                              : std::vector<std::string>{},
                     !info.json_help.empty() && parsed->count("json") > 0,
                     ctx.invoked_as};
    auto in_flag_terms = [&cli](Error error, bool about_command_line) {
      return cli.flag_error(std::move(error), C::flag_for, about_command_line);
    };
    C command;
    if (auto completed = command.complete(args, ctx); !completed)
      return fail(in_flag_terms(completed.error(), true));
    if (auto valid = command.validate(); !valid) return fail(in_flag_terms(valid.error(), true));
    auto ran = command.run(ctx);
    if (!ran) return fail(in_flag_terms(ran.error(), false));
    return ran;
  };
  return spec;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
