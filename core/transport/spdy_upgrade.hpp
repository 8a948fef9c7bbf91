// The HTTP/1.1 `Upgrade: SPDY/3.1` handshake Kubernetes exec, attach and port-forward use, with
// subprotocol negotiation through X-Stream-Protocol-Version. Internal to liborka.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "kubeconfig/rest_config.hpp"
#include "orka/cancel.hpp"
#include "orka/client.hpp"
#include "transport/connection.hpp"
#include "transport/spdy_pipe.hpp"

namespace orka::core {

// The API server answers once the kubelet accepted the stream: a second or two on a loaded
// node. Thirty seconds (as the WebSocket handshake) leaves room for that and still ends a
// server that accepted TLS and then said nothing.
inline constexpr std::chrono::seconds kSpdyUpgradeAnswerTimeout{30};

struct SpdyUpgraded {
  std::unique_ptr<SpdyPipe> pipe;  // the connection, with any frames that came with the 101
  std::string protocol;  // the X-Stream-Protocol-Version the server chose; empty: none named
};

// Sends `<method> <path_prefix + request.path>` with Connection: Upgrade, Upgrade: SPDY/3.1,
// one X-Stream-Protocol-Version header per offered protocol (request.protocols, in preference
// order), the credentials' Authorization and request.headers, and expects 101. Any other status
// becomes an Error via error_from_http (Status body decoded). A chosen protocol that was not
// offered is an error; when the server names none, `protocol` is empty (the caller decides,
// e.g. remotecommand's v1 fallback). kubectl uses POST for exec and port-forward. The answer
// must arrive within kSpdyUpgradeAnswerTimeout.
Result<SpdyUpgraded> spdy_upgrade(std::unique_ptr<Connection> connection,
                                  const std::string& host_header, const std::string& path_prefix,
                                  const UpgradeRequest& request, const Credentials& credentials,
                                  const CancelToken& cancel, std::string_view method = "POST");

}  // namespace orka::core
