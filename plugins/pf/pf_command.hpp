// `orka ops pf POD|TYPE/NAME|svc/NAME [LOCAL:]REMOTE... [--address ADDR...] [--transport T] [--json]`.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orka/command.hpp"

namespace orka::streaming {

struct PfCommandOptions {
  std::string target;
  std::vector<PortMapping> ports;
  std::vector<std::string> addresses;
  StreamTransport transport = StreamTransport::Auto;
  bool json = false;
  bool help = false;
  std::string help_text;
};

Result<PfCommandOptions> parse_pf_args(const std::vector<std::string>& args);

// One event for a human ("" when this event is not shown without -v) and as a JSON object.
std::string describe_event(const ForwardEvent& event, bool verbose);
nlohmann::json event_json(const ForwardEvent& event);

CommandSpec pf_command();

}  // namespace orka::streaming
