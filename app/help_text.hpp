// Help screens for every level: `orka --help`, `orka ops --help`, `orka ops <op> --help`,
// and the "did you mean" hint for a mistyped word.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "orka/host.hpp"

namespace orka::cli {

// `program` is how the user runs orka ("orka" or "kubectl orka", program_name.hpp); under
// kubectl the help says which flags kubectl keeps for itself.
void print_main_help(std::ostream& out, std::string_view program = "orka");
void print_ops_help(std::ostream& out, const Host& host);
// The line every op command's --help ends with.
void print_global_flags_note(std::ostream& out);
void print_plugins_help(std::ostream& out);
void print_version_help(std::ostream& out);
void print_completion_help(std::ostream& out);
void print_man_help(std::ostream& out);

// The candidate closest to `word` when it is close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace orka::cli
