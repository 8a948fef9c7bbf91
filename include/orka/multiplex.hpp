// A connection that carries many independent byte streams, each with its own half-close and
// reset: SPDY/3.1 as Kubernetes uses it for pods/exec (streams error, stdin, stdout, stderr,
// resize) and pods/portforward (an error and a data stream per forwarded TCP connection).
// Opened with Client::open_multiplexed.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orka/error.hpp"
#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// How the SPDY frames reach the server.
enum class MuxFraming {
  // POST with `Upgrade: SPDY/3.1` and X-Stream-Protocol-Version: every Kubernetes version.
  HttpUpgrade,
  // SPDY frames inside binary WebSocket messages, subprotocol `SPDY/3.1+<protocol>`: what API
  // servers >= 1.31 offer for port-forward (PortForwardWebsockets).
  WebSocketTunnel,
};

// One stream of a MuxConnection. Thread-safe: one thread may read while others write.
class MuxStream {
 public:
  virtual ~MuxStream() = default;
  // Up to `size` bytes; 0 once the server half-closed the stream and everything was read.
  // Errors: the stream was reset, the connection ended first, cancelled.
  virtual Result<std::size_t> read(char* buffer, std::size_t size) = 0;
  // Writes all of `bytes` (waiting for flow-control window when the server enforces one).
  virtual Result<void> write(std::string_view bytes) = 0;
  // Half-closes the sending side: the server sees end of input (stdin EOF). Idempotent.
  virtual Result<void> close_write() = 0;
  // Abandons this stream only (RST_STREAM); the connection's other streams go on.
  virtual void reset() noexcept = 0;
};

// Thread-safe. Destroying it closes it.
class MuxConnection {
 public:
  virtual ~MuxConnection() = default;
  // The stream protocol the server chose, e.g. "v4.channel.k8s.io" or "portforward.k8s.io".
  virtual const std::string& protocol() const = 0;
  virtual MuxFraming framing() const = 0;
  // Opens a stream with these headers (names lower-case, e.g. {"streamtype","stdout"}) and
  // waits for the server to accept it.
  virtual Result<std::shared_ptr<MuxStream>> open_stream(
      const std::vector<std::pair<std::string, std::string>>& headers) = 0;
  // True once the connection ended (server closed it, GOAWAY, error, close()).
  virtual bool closed() const = 0;
  // Ends the connection; pending and later calls on its streams fail. Idempotent.
  virtual void close() noexcept = 0;
};

// "SPDY/3.1" or "SPDY/3.1 over WebSocket".
ORKA_API std::string_view to_string(MuxFraming framing);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
