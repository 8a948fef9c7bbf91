// What the mutating commands print while their op runs and when it ends: JSON Lines with --json;
// otherwise a live status line for passing phases and kept lines for the ones worth keeping.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orka/command.hpp"
#include "orka/export.hpp"
#include "orka/ops.hpp"
#include "orka/output.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct ProgressStyle {
  // Phases printed as lines that stay on screen ("warning" on stderr, the rest on the status
  // line's stream).
  std::vector<std::string> kept{};
  // Phases that rewrite the status line; empty: every phase that is neither kept nor "done"
  // ("done" is what the command's result line says).
  std::vector<std::string> live{};
  // The status line goes to stdout (drain: its progress is its output), not stderr.
  bool on_stdout = false;
};

class ORKA_API CommandOutput {
 public:
  CommandOutput(const CommandContext& ctx, bool json, ProgressStyle style = {});
  CommandOutput(const CommandOutput&) = delete;
  CommandOutput& operator=(const CommandOutput&) = delete;

  // For an op's `progress` option; `this` must outlive the op call.
  ProgressFn progress();
  void show(const ProgressEvent& event);

  bool json() const { return json_mode_; }
  // One JSON Lines object on stdout (the command's result).
  void write_json(const nlohmann::json& object) { json_.write(object); }
  // Ends the status line, so a result line can follow on stdout.
  void finish() { line_.finish(); }

 private:
  std::ostream& err_;
  std::ostream& line_stream_;
  bool json_mode_;
  ProgressStyle style_;
  JsonLinesWriter json_;
  ProgressLine line_;
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
