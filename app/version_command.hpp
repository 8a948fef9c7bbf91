// `orka version [--server] [--json]`: orka's own version and plugin ABI, and with --server the
// API server's version (one GET /version) and what `--transport auto` picks there for exec and
// port-forward. The picks come from the same rules the ops use (orka/transport_choice.hpp).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orka/error.hpp"
#include "orka/services.hpp"
#include "orka/transport_choice.hpp"

namespace orka::cli {

struct VersionArgs {
  bool server = false;  // --server
  bool json = false;    // --json
};

// `words` is the command line from "version" on, global flags already removed.
Result<VersionArgs> parse_version_args(const std::vector<std::string>& words);

// One case `--transport auto` decides differently: exec with stdin, exec without, pf.
struct AutoChoice {
  std::string key;    // "exec_stdin", "exec", "pf" (the JSON keys)
  std::string label;  // "exec -i", "exec", "pf" (the text lines)
  TransportPlan plan;
};
std::vector<AutoChoice> auto_choices(const ServerVersion& server);

// "exec -i: auto → SPDY/3.1 (v4.channel.k8s.io); if refused: WebSocket — <why>"
std::string describe_choice(const AutoChoice& choice);

nlohmann::json client_version_json();
// The whole --server --json object: client, server (URL, gitVersion, major, minor), auto.
nlohmann::json server_version_json(const ServerVersion& server, const std::string& server_url);

void print_client_version(std::ostream& out);
void print_server_version(std::ostream& out, const ServerVersion& server,
                          const std::string& server_url);

// GET /version through `services` (the current context's client), with a clear error naming
// the server and what to check when it cannot be reached.
Result<ServerVersion> ask_server_version(Services& services, const CancelToken& cancel,
                                         std::string& server_url);

}  // namespace orka::cli
