// A --help page read back into its parts: the usage forms, the prose, and the entries of each
// list (flags, commands). The help screens are the one description of every command — third
// parties' included, whatever wrote them — so completion and the man pages are made from what
// `--help` prints, never from a second table that could drift from it (help2man's idea).
//
// What is recognised is what cxxopts and orka's own help screens print:
//   usage: orka ops pf POD|TYPE/NAME [LOCAL:]REMOTE... [--address ADDR...]
//                <continuation, indented>
//          orka ops uncordon NODE...               (another form)
//   <a paragraph of prose>
//   section title:                                 (a line at column 0 ending in ':')
//     -c, --container arg   the container ...      (an entry: indented 2, or 6 before "--")
//                           continued here         (deeper indentation)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orka::cli {

struct HelpEntry {
  std::string head;         // "-c, --container arg", "plugins [--json]"
  std::string description;  // continuation lines joined with single spaces
};

struct HelpSection {
  std::string title;  // "" for the list cxxopts prints without one
  std::vector<HelpEntry> entries;
};

struct HelpPage {
  std::vector<std::string> usage;        // each form, continuation lines joined
  std::vector<std::string> paragraphs;   // prose, in order
  std::vector<HelpSection> sections;
};

HelpPage parse_help_page(std::string_view text);

// One flag as an entry head names it: "-c, --container arg", "      --prefix [=arg(=true)]",
// "-n, --namespace NS", "-v, -vv, --v=N".
struct FlagSpec {
  std::vector<std::string> names;  // as typed: "-c", "--container"
  std::string value_name;          // "arg", "NS", "FILE"; empty for a switch
  bool value_optional = false;     // cxxopts' implicit value: --prefix or --prefix=false
  std::string description;

  bool takes_value() const { return !value_name.empty() && !value_optional; }
  bool named(std::string_view name) const;
};

// The flag an entry describes, when its head starts with '-'.
std::optional<FlagSpec> flag_from_entry(const HelpEntry& entry);

// Every flag of every section of the page.
std::vector<FlagSpec> page_flags(const HelpPage& page);

}  // namespace orka::cli
