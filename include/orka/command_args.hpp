// Command-line parsing for op commands: cxxopts over CommandContext::args, with its exceptions
// turned into Usage errors (exit code 2) that carry the command's own hint. Header-only, so
// only commands that include it need cxxopts.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <cxxopts.hpp>

#include "orka/duration.hpp"
#include "orka/error.hpp"

namespace orka {
inline namespace v0 {

// Positional arguments stay in ParseResult::unmatched() when the parser allows them.
inline Result<cxxopts::ParseResult> parse_command_args(cxxopts::Options& parser,
                                                       const std::vector<std::string>& args,
                                                       std::string_view hint) {
  std::vector<const char*> argv;
  argv.reserve(args.size() + 2);
  argv.push_back(parser.program().c_str());
  for (const auto& arg : args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  try {
    return parser.parse(static_cast<int>(argv.size() - 1), argv.data());
  } catch (const cxxopts::exceptions::exception& e) {
    return fail(ErrorKind::Usage, e.what(), std::string(hint));
  }
}

// The same with the hint every command without a usage line of its own gives: its --help.
inline Result<cxxopts::ParseResult> parse_command_args(cxxopts::Options& parser,
                                                       const std::vector<std::string>& args) {
  return parse_command_args(parser, args, "see `orka ops " + parser.program() + " --help`");
}

// Every value given for a repeatable flag, in order, without cxxopts' comma splitting (a
// regular expression may contain commas).
inline std::vector<std::string> all_flag_values(const cxxopts::ParseResult& result,
                                                std::string_view long_name) {
  std::vector<std::string> values;
  for (const auto& kv : result.arguments())
    if (kv.key() == long_name) values.push_back(kv.value());
  return values;
}

struct WaitFlags {
  bool wait = false;
  std::chrono::milliseconds timeout{0};  // 0: no limit
};

// The `--wait` and `--timeout DURATION` pair of the mutating commands (declared by the parser
// with a default for --timeout); a timeout without --wait is a Usage error carrying `hint`.
inline Result<WaitFlags> parse_wait_flags(const cxxopts::ParseResult& parsed,
                                          std::string_view hint) {
  WaitFlags flags;
  flags.wait = parsed.count("wait") > 0;
  auto timeout = parse_duration(parsed["timeout"].as<std::string>(), "--timeout");
  if (!timeout) return fail(timeout.error());
  flags.timeout = *timeout;
  if (parsed.count("timeout") > 0 && !flags.wait)
    return fail(ErrorKind::Usage, "--timeout only applies with --wait", std::string(hint));
  return flags;
}

// The frame the mutating commands share: a usage text that every usage error carries as its
// hint, a cxxopts parser whose own flags come first and --json / -h,--help last, and the
// --help page. Positional arguments stay in ParseResult::unmatched().
class CommandLine {
 public:
  // `json_help` describes --json for this command; empty: the command has no --json.
  CommandLine(std::string program, std::string_view summary, std::string_view positional_help,
              std::string usage, std::string json_help)
      : parser_(std::move(program), std::string(summary)),
        usage_(std::move(usage)),
        json_help_(std::move(json_help)) {
    parser_.custom_help(std::string(positional_help));
  }

  cxxopts::OptionAdder add_options() { return parser_.add_options(); }

  Result<cxxopts::ParseResult> parse(const std::vector<std::string>& args) {
    add_common_flags();
    return parse_command_args(parser_, args, hint());
  }

  std::string hint() const { return "usage: " + usage_; }
  Error usage_error(std::string message) const {
    return make_error(ErrorKind::Usage, std::move(message), hint());
  }

  void print_help(std::ostream& out) {
    add_common_flags();
    out << hint() << "\n\n" << parser_.help() << '\n';
  }

 private:
  void add_common_flags() {
    if (common_flags_added_) return;
    common_flags_added_ = true;
    if (!json_help_.empty()) parser_.add_options()("json", json_help_);
    parser_.add_options()("h,help", "show this help");
  }

  cxxopts::Options parser_;
  std::string usage_;
  std::string json_help_;
  bool common_flags_added_ = false;
};

}  // namespace v0
}  // namespace orka
