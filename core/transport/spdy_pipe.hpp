// The byte pipe a SPDY session runs on: the raw connection after an HTTP/1.1 `Upgrade: SPDY/3.1`
// handshake, or binary WebSocket messages (the tunnelled form API servers >= 1.31 offer as the
// subprotocol `SPDY/3.1+portforward.k8s.io`). Internal to liborka.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "orka/client.hpp"
#include "orka/error.hpp"
#include "transport/connection.hpp"

namespace orka::core {

// One thread reads while others write (writes are serialized by the session).
class SpdyPipe {
 public:
  virtual ~SpdyPipe() = default;
  // Reads what is available (at least 1 byte); 0 means the peer closed the pipe.
  virtual Result<std::size_t> read_some(char* buffer, std::size_t size) = 0;
  // Writes whole frames (one or more).
  virtual Result<void> write(std::string_view frames) = 0;
  // Unblocks a pending read or write from any thread; later calls fail or read 0.
  virtual void shutdown() noexcept = 0;
};

// `early_bytes`: frames that arrived together with the 101 answer, read before the connection.
std::unique_ptr<SpdyPipe> make_connection_spdy_pipe(std::unique_ptr<Connection> connection,
                                                    std::string early_bytes = {});

// Each write() becomes one binary message; received binary messages are read as one byte
// stream (a frame may span messages). A text message is a protocol error; a Close message ends
// the pipe (read_some returns 0). shutdown() closes the WebSocket.
std::unique_ptr<SpdyPipe> make_websocket_spdy_pipe(std::unique_ptr<WebSocket> socket);

}  // namespace orka::core
