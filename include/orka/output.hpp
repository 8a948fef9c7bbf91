// Output helpers shared by commands: terminal detection, colour, JSON Lines, progress lines.
#pragma once

#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

ORKA_API bool is_terminal(int fd);

// Colour on a terminal without NO_COLOR (any value) or TERM=dumb; colour_choice.hpp overrides.
ORKA_API bool colour_wanted(bool is_tty);

enum class Colour { None, Red, Green, Yellow, Blue, Magenta, Cyan, Bold, Dim };
ORKA_API std::string colourize(std::string_view text, Colour colour, bool enabled);
// A stable colour per name (for log prefixes), from a small palette.
ORKA_API Colour colour_for(std::string_view name);

// One JSON object per line, whole lines only, flushed; safe from several threads.
class ORKA_API JsonLinesWriter {
 public:
  explicit JsonLinesWriter(std::ostream& out) : out_(out) {}
  void write(const nlohmann::json& object);

 private:
  std::ostream& out_;
  std::mutex mutex_;
};

// The JSON Lines form of an op's progress event: {"event": phase, "message": ..., ...data}.
struct ProgressEvent;
ORKA_API nlohmann::json progress_event_json(const ProgressEvent& event);

// A status line: on a terminal it is rewritten in place ("\r" + clear), otherwise each
// distinct message is printed once as a plain line.
class ORKA_API ProgressLine {
 public:
  ProgressLine(std::ostream& out, bool is_tty) : out_(out), tty_(is_tty) {}
  ~ProgressLine();
  void update(std::string_view message);
  // Ends the live line (a newline on a terminal) so normal output can follow.
  void finish();

 private:
  std::ostream& out_;
  bool tty_;
  bool live_ = false;
  std::string last_;
  std::mutex mutex_;
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
