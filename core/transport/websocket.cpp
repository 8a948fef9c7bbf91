// TEMPORARY placeholder (replaced by the WebSocket client).
#include "transport/websocket.hpp"
namespace orka::core {
Result<std::unique_ptr<WebSocket>> websocket_connect(std::unique_ptr<Connection>, const std::string&,
                                                     const std::string&, const UpgradeRequest&,
                                                     const Credentials&, const CancelToken&) {
  return fail(ErrorKind::Unsupported, "WebSocket is not built yet");
}
}  // namespace orka::core
