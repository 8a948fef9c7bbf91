// A connected byte pipe to the API server (TLS, possibly through an HTTP CONNECT proxy).
// Upgraded protocols (WebSocket, later SPDY) run on it. Internal to liborka.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include "kubeconfig/rest_config.hpp"
#include "orka/cancel.hpp"
#include "orka/error.hpp"

namespace orka::core {

class Connection {
 public:
  virtual ~Connection() = default;
  // Reads what is available (at least 1 byte); 0 means the peer closed.
  virtual Result<std::size_t> read_some(char* buffer, std::size_t size) = 0;
  virtual Result<void> write_all(std::string_view bytes) = 0;
  // Unblocks pending reads/writes from any thread; later calls fail with Transport.
  virtual void shutdown() noexcept = 0;
  // Each later read or write waits at most `timeout` for the socket (zero: no limit) and then
  // fails with Timeout. New connections have no limit.
  virtual void set_timeout(std::chrono::milliseconds timeout) { (void)timeout; }
  // For an idle pooled connection: true when the peer closed it (or sent something unasked),
  // so it must not carry another request.
  virtual bool peer_closed() noexcept { return false; }
  // True once a read saw the peer close or reset the connection, or a write found it gone
  // (not after a TLS alert or a local shutdown): a request that got no answer on such a
  // connection may be sent again.
  virtual bool peer_went_away() const noexcept { return false; }
};

class ConnectionFactory {
 public:
  virtual ~ConnectionFactory() = default;
  // Connects and completes TLS with the credentials' client certificate (if any).
  virtual Result<std::unique_ptr<Connection>> connect(const Credentials& credentials,
                                                      const CancelToken& cancel) = 0;
};

// TLS to RestConfig::server (verification per RestConfig), via proxy_url when set. An http://
// server gets plain TCP. Configuration errors (bad CA PEM, bad URL) are returned by connect().
std::shared_ptr<ConnectionFactory> make_tls_connection_factory(
    const RestConfig& config, std::chrono::milliseconds connect_timeout = std::chrono::seconds(10));

}  // namespace orka::core
