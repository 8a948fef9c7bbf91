// The name orka is run by. Installed as `kubectl-orka` (a link next to `orka`), kubectl runs it
// as its plugin: `kubectl orka ops logs POD` execs kubectl-orka with "ops logs POD" (argv[0] is
// the plugin's path). Help and usage errors then name `kubectl orka`, the command the user typed.
#pragma once

#include <string>
#include <string_view>

namespace orka::cli {

inline constexpr std::string_view kPlainProgram = "orka";
inline constexpr std::string_view kKubectlPluginProgram = "kubectl orka";

// "kubectl orka" when argv[0]'s file name is kubectl-orka, else "orka".
std::string_view program_name(std::string_view argv0);

// Run as `kubectl_complete-orka` (a link installed beside orka): kubectl 1.26+ runs that program
// with the words after `kubectl orka` and the word under the cursor to complete a plugin's
// command line, and reads cobra's answer — what `orka __complete` prints.
bool is_kubectl_completion(std::string_view argv0);

// `text` (help or an error message) with each command orka names — "orka ops …",
// "`orka plugins`", "usage: orka [global flags]" — named as `program` runs it. Other mentions
// of the word ("orka 0.1.0", "orka has") are kept.
std::string as_run_by(std::string_view text, std::string_view program);

}  // namespace orka::cli
