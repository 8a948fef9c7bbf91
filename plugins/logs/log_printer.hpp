// Turns LogChunks into output: `[pod/container] ` prefixes, timestamps, highlights, JSON Lines,
// and the marker that says how many lines a lagging consumer lost. The only writer to stdout;
// output is collected in one buffer and written in large blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "line_filter.hpp"
#include <nlohmann/json.hpp>

#include "orka/ops/logs.hpp"

namespace orka::streaming {

struct PrintOptions {
  bool prefix = false;
  bool timestamps = false;
  bool json = false;
  bool colour = false;
  Highlighter highlight;
};

class LogPrinter {
 public:
  LogPrinter(std::ostream& out, PrintOptions options);
  ~LogPrinter();

  // Whether lines carry [pod/container]; decided once the streams are known.
  void set_prefix(bool prefix) { options_.prefix = prefix; }
  // The context (logs over several contexts) of what is printed next: `[context] ` before
  // everything else on a line, a "context" field in JSON. Empty: none.
  void set_context(std::string_view context);

  void line(const LogChunk& chunk);
  // An event that is not a line, for --json (a human sees them on stderr instead).
  void json_event(const nlohmann::json& object);
  // `pod`/`container` are empty when the loss happened where streams merge.
  void dropped(std::uint64_t count, std::string_view pod, std::string_view container);

  // The line that separates a container's instances, in the stream's prefix style.
  void restarted(std::uint64_t restarts, std::string_view pod, std::string_view container);

  // Writes what is buffered; called when the input runs dry, so a follower sees lines at once.
  void flush();
  // Writes what is buffered if its oldest line has waited `limit` or longer.
  void flush_if_held(std::chrono::steady_clock::duration limit);

 private:
  void append_prefix(std::string_view pod, std::string_view container);
  void append_context();
  void write_if_full();
  void note_first_held();

  std::ostream& out_;
  PrintOptions options_;
  std::string buffer_;
  std::chrono::steady_clock::time_point held_since_;  // when buffer_ last went from empty
  // The last prefix built, reused while lines keep coming from the same stream.
  std::string last_pod_;
  std::string last_container_;
  std::string last_prefix_;
  std::string context_;
  std::string context_prefix_;  // context_ bracketed and coloured, built once per change
};

}  // namespace orka::streaming
