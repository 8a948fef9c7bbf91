// Client WebSocket over an established Connection (RFC 6455), with Kubernetes' subprotocol
// negotiation. Internal to liborka.
#pragma once

#include <memory>
#include <string>

#include "kubeconfig/rest_config.hpp"
#include "orka/client.hpp"
#include "transport/connection.hpp"

namespace orka::core {

// Performs the HTTP/1.1 Upgrade handshake on `connection` (offering request.protocols in one
// Sec-WebSocket-Protocol header, with the credentials' Authorization header) and returns the
// WebSocket. Non-101 answers become Errors via error_from_http (Status body decoded).
Result<std::unique_ptr<WebSocket>> websocket_connect(std::unique_ptr<Connection> connection,
                                                     const std::string& host_header,
                                                     const std::string& path_prefix,
                                                     const UpgradeRequest& request,
                                                     const Credentials& credentials,
                                                     const CancelToken& cancel);

}  // namespace orka::core
