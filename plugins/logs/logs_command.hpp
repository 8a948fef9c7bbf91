// `orka ops logs`: flags → options (validated) → streams → printer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "orka/command.hpp"
#include "orka/ops.hpp"

namespace orka::streaming {

struct LogsCommandOptions {
  std::string target;    // POD or TYPE/NAME; empty with -l
  std::string selector;  // -l
  std::string container;
  bool all_containers = false;
  bool init_containers = false;
  LogOptions log;
  std::optional<bool> prefix;  // unset: on when more than one stream can appear
  bool json = false;
  std::vector<std::string> highlight;
  std::size_t max_streams = 50;
  bool help = false;
  std::string help_text;
};

Result<LogsCommandOptions> parse_logs_args(const std::vector<std::string>& args);

// Picks the containers of `pod` that the options name (empty: none apply to this pod).
std::vector<std::string> containers_for(const nlohmann::json& pod, const LogsCommandOptions& options);

CommandSpec logs_command();

}  // namespace orka::streaming
