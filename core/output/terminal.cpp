// Terminal detection and ANSI colour.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string_view>

#include "orka/colour_choice.hpp"
#include "orka/output.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

namespace {
std::atomic<ColourChoice> g_colour_choice{ColourChoice::Auto};
}  // namespace

void set_colour_choice(ColourChoice choice) { g_colour_choice.store(choice); }
ColourChoice colour_choice() { return g_colour_choice.load(); }

std::optional<ColourChoice> parse_colour_choice(std::string_view text) {
  if (text == "auto") return ColourChoice::Auto;
  if (text == "always") return ColourChoice::Always;
  if (text == "never") return ColourChoice::Never;
  return std::nullopt;
}

bool colour_wanted(bool is_tty) {
  switch (colour_choice()) {
    case ColourChoice::Always: return true;
    case ColourChoice::Never: return false;
    case ColourChoice::Auto: break;
  }
  if (!is_tty) return false;
  // https://no-color.org: present at all means no colour (the SDK contract says any value).
  if (std::getenv("NO_COLOR") != nullptr) return false;
  const char* term = std::getenv("TERM");
  return !(term != nullptr && std::string_view(term) == "dumb");
}

namespace {
std::string_view sgr_code(Colour colour) {
  switch (colour) {
    case Colour::Red: return "31";
    case Colour::Green: return "32";
    case Colour::Yellow: return "33";
    case Colour::Blue: return "34";
    case Colour::Magenta: return "35";
    case Colour::Cyan: return "36";
    case Colour::Bold: return "1";
    case Colour::Dim: return "2";
    case Colour::None: break;
  }
  return {};
}
}  // namespace

std::string colourize(std::string_view text, Colour colour, bool enabled) {
  auto code = sgr_code(colour);
  if (!enabled || code.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 9);
  out += "\x1b[";
  out += code;
  out += 'm';
  out += text;
  out += "\x1b[0m";
  return out;
}

Colour colour_for(std::string_view name) {
  // Red is left out: it reads as an error. FNV-1a keeps the choice stable across runs.
  static constexpr Colour kPalette[] = {Colour::Cyan, Colour::Green, Colour::Yellow, Colour::Blue,
                                        Colour::Magenta};
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : name) {
    hash ^= c;
    hash *= 16777619u;
  }
  return kPalette[hash % (sizeof(kPalette) / sizeof(kPalette[0]))];
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
