// Progress and results of the mutating commands on a terminal, in a log, or as JSON Lines.
#include "orka/command_output.hpp"

#include <algorithm>
#include <ostream>

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {
namespace {

bool listed(const std::vector<std::string>& phases, const std::string& phase) {
  return std::find(phases.begin(), phases.end(), phase) != phases.end();
}

}  // namespace

CommandOutput::CommandOutput(const CommandContext& ctx, bool json, ProgressStyle style)
    : err_(ctx.err),
      line_stream_(style.on_stdout ? ctx.out : ctx.err),
      json_mode_(json),
      style_(std::move(style)),
      json_(ctx.out),
      line_(line_stream_, style_.on_stdout ? ctx.out_is_tty : ctx.err_is_tty) {}

ProgressFn CommandOutput::progress() {
  return [this](const ProgressEvent& event) { show(event); };
}

void CommandOutput::show(const ProgressEvent& event) {
  if (json_mode_) {
    json_.write(progress_event_json(event));
    return;
  }
  if (listed(style_.kept, event.phase)) {
    line_.finish();
    (event.phase == "warning" ? err_ : line_stream_) << event.message << '\n';
    return;
  }
  const bool live = style_.live.empty() ? event.phase != "done" : listed(style_.live, event.phase);
  if (live) line_.update(event.message);
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
