// The scripts `orka completion bash|zsh|fish` prints. They hold no command names, flags or
// values: each TAB runs `orka __complete WORDS... CURRENT` (completion.hpp) and shows what it
// printed, so they never go stale when plugins come and go.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orka::cli {

// nullopt for a shell orka has no script for.
std::optional<std::string> completion_script(std::string_view shell);

}  // namespace orka::cli
