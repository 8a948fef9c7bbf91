// Whether commands colour their output: the user's choice (`--colour`, ORKA_COLOUR, the config
// file's `colour:`) ahead of the terminal test of colour_wanted() (output.hpp). One setting per
// process: the CLI sets it once, before any command runs.
#pragma once

#include <optional>
#include <string_view>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

enum class ColourChoice {
  Auto,    // colour on a terminal unless NO_COLOR is set or TERM=dumb (the default)
  Always,  // colour even into a pipe or file
  Never,
};

ORKA_API void set_colour_choice(ColourChoice choice);
ORKA_API ColourChoice colour_choice();

// "auto", "always", "never"; anything else: nullopt.
ORKA_API std::optional<ColourChoice> parse_colour_choice(std::string_view text);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
