// Command-line parsing for op commands: cxxopts over CommandContext::args, with its exceptions
// turned into Usage errors (exit code 2) that carry the command's own hint. Header-only, so
// only commands that include it need cxxopts (and fmt).
#pragma once

#include <algorithm>
#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <cxxopts.hpp>
#include <fmt/format.h>

#include "orka/duration.hpp"
#include "orka/error.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

namespace detail {

inline const cxxopts::HelpOptionDetails* find_option(const cxxopts::Options& parser,
                                                     std::string_view name, bool is_short) {
  for (const auto& group : parser.groups())
    for (const auto& option : parser.group_help(group).options) {
      if (is_short ? option.s == name
                   : std::find(option.l.begin(), option.l.end(), name) != option.l.end())
        return &option;
    }
  return nullptr;
}

inline bool takes_value(const cxxopts::HelpOptionDetails& option) {
  return !option.is_boolean && !option.has_implicit;
}

// The option that was given `value` in `args`, read the way cxxopts reads them: --name=value,
// --name value, -x value, -xvalue (after boolean short flags), nothing after "--".
inline const cxxopts::HelpOptionDetails* option_given(const cxxopts::Options& parser,
                                                      const std::vector<std::string>& args,
                                                      std::string_view value) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const std::string_view next = i + 1 < args.size() ? std::string_view(args[i + 1]) : "";
    if (arg == "--") break;
    if (arg.substr(0, 2) == "--") {
      const auto equals = arg.find('=');
      const auto* option = find_option(parser, arg.substr(2, equals - 2), false);
      if (option == nullptr) continue;
      if (equals != std::string_view::npos) {
        if (arg.substr(equals + 1) == value) return option;
      } else if (takes_value(*option)) {
        if (next == value) return option;
        ++i;
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      for (std::size_t k = 1; k < arg.size(); ++k) {
        const auto* option = find_option(parser, arg.substr(k, 1), true);
        if (option == nullptr || !takes_value(*option)) continue;
        const std::string_view given = k + 1 < arg.size() ? arg.substr(k + 1) : next;
        if (given == value) return option;
        if (k + 1 == arg.size()) ++i;
        break;
      }
    }
  }
  return nullptr;
}

// cxxopts says only "Argument 'abc' failed to parse". Name the flag that was given the value,
// what it expects, and what it is for. Only integer and boolean options fail this way.
inline Error value_error(const cxxopts::Options& parser, const std::vector<std::string>& args,
                         const cxxopts::exceptions::incorrect_argument_type& failure,
                         std::string_view hint) {
  std::string value = failure.what();
  const std::string prefix = "Argument " + cxxopts::LQUOTE;
  const std::string suffix = cxxopts::RQUOTE + " failed to parse";
  if (value.rfind(prefix, 0) == 0 && value.size() >= prefix.size() + suffix.size() &&
      value.compare(value.size() - suffix.size(), suffix.size(), suffix) == 0)
    value = value.substr(prefix.size(), value.size() - prefix.size() - suffix.size());
  const auto* option = option_given(parser, args, value);
  if (option == nullptr)
    return make_error(ErrorKind::Usage,
                      fmt::format("invalid value {:?} for a flag: expected a whole number, or "
                                  "true/false for a switch",
                                  value),
                      std::string(hint));
  const std::string flag = option->l.empty() ? "-" + option->s : "--" + option->l.front();
  const bool is_integer = !value.empty() &&
                          value.find_first_not_of("0123456789", value[0] == '-' ? 1 : 0) ==
                              std::string::npos &&
                          value != "-";
  const char* expected = option->is_boolean ? "true or false"
                         : !is_integer      ? "a whole number"
                         : value[0] == '-'  ? "a whole number, 0 or more"
                                            : "a smaller whole number";
  return make_error(ErrorKind::Usage,
                    fmt::format("invalid value {:?} for {}: expected {}", value, flag, expected),
                    fmt::format("{}: {}; {}", flag, option->desc, hint));
}

// cxxopts' "Option ‘x’ does not exist" / "... is missing an argument" in the words the global
// flags use ("unknown flag --x", "flag --x needs a value"); anything else as cxxopts said it.
inline std::string flag_message(const std::string& what) {
  const std::string prefix = "Option " + cxxopts::LQUOTE;
  const auto end = what.find(cxxopts::RQUOTE, prefix.size());
  if (what.rfind(prefix, 0) != 0 || end == std::string::npos) return what;
  const std::string name = what.substr(prefix.size(), end - prefix.size());
  const std::string flag = (name.size() == 1 ? "-" : "--") + name;
  const std::string rest = what.substr(end + cxxopts::RQUOTE.size());
  if (rest == " does not exist") return "unknown flag " + flag;
  if (rest == " is missing an argument" || rest == " requires an argument")
    return "flag " + flag + " needs a value";
  return what;
}

}  // namespace detail

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
  } catch (const cxxopts::exceptions::incorrect_argument_type& e) {
    return fail(detail::value_error(parser, args, e, hint));
  } catch (const cxxopts::exceptions::exception& e) {
    return fail(ErrorKind::Usage, detail::flag_message(e.what()), std::string(hint));
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

// The frame every command shares (see command_shape.hpp): a usage text that every usage error
// carries as its hint, a cxxopts parser whose own flags come first and --json / -h,--help last,
// and the --help page. Positional arguments stay in ParseResult::unmatched().
class CommandLine {
 public:
  // `json_help` describes --json for this command; empty: the command has no --json.
  CommandLine(std::string program, std::string_view summary, std::string usage,
              std::string json_help)
      : parser_(std::move(program), std::string(summary)),
        usage_(std::move(usage)),
        json_help_(std::move(json_help)) {
    parser_.custom_help("");  // the usage line above the summary says it already
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
    out << hint() << "\n\n" << parser_.help({}, /*print_usage=*/false) << '\n';
  }

  // An op's error about a field of its request (field_error) as a usage error about the flag
  // that set the field; `flag_for(field)` names the flag ("" for a field no flag sets). With
  // `about_command_line` (errors of complete/validate), every Invalid error becomes a usage error.
  template <class FlagFor>
  Error flag_error(Error error, FlagFor flag_for, bool about_command_line) const {
    if (about_command_line && error.kind == ErrorKind::Usage && error.hint.empty())
      error.hint = hint();
    if (error.kind != ErrorKind::Invalid || error.http_status != 0) return error;
    for (const auto& cause : error.causes) {
      if (cause.type != kRequestFieldInvalid || cause.field.empty()) continue;
      const std::string_view flag = flag_for(cause.field);
      const std::string why = error.hint.empty() ? hint() : error.hint;
      if (!flag.empty())
        return make_error(ErrorKind::Usage, std::string(flag) + " " + cause.message, why);
      if (about_command_line) return make_error(ErrorKind::Usage, cause.message, why);
    }
    if (about_command_line) {
      error.kind = ErrorKind::Usage;
      if (error.hint.empty()) error.hint = hint();
    }
    return error;
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

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
