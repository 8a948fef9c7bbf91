// Which wire a forward uses, decided once when it starts: the plan for the requested transport
// and server version, tried in order until one is not refused. The SPDY forms are tried by
// opening the forward's MuxConnection (kept for the first local connections); WebSocket opens
// one connection per local connection, so choosing it opens nothing.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orka/client.hpp"
#include "orka/multiplex.hpp"
#include "orka/ops.hpp"
#include "orka/transport_choice.hpp"

namespace orka::streaming {

// A diagnostics line for -v (level 1) and -vv (level 2): services.log in the plugin.
using ForwardDiagnostics = std::function<void(int level, std::string_view line)>;

struct ForwardWire {
  WireTransport wire = WireTransport::WebSocket;
  std::vector<std::string> protocols;           // offered on every open
  std::unique_ptr<MuxConnection> connection;    // SPDY forms: the one opened while choosing
};

MuxFraming mux_framing(WireTransport wire);

Result<ForwardWire> choose_forward_wire(Client& client, const std::string& namespace_, const std::string& pod,
                                        StreamTransport requested, const CancelToken& cancel,
                                        const ForwardDiagnostics& log,
                                        const ServerVersionSource& server_version = {});

}  // namespace orka::streaming
