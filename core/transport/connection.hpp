// A connected byte pipe to the API server (TLS, possibly through an HTTP CONNECT proxy).
// Upgraded protocols (WebSocket, later SPDY) run on it. Internal to liborka.
#pragma once

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
};

class ConnectionFactory {
 public:
  virtual ~ConnectionFactory() = default;
  // Connects and completes TLS with the credentials' client certificate (if any).
  virtual Result<std::unique_ptr<Connection>> connect(const Credentials& credentials,
                                                      const CancelToken& cancel) = 0;
};

// TLS to RestConfig::server (verification per RestConfig), via proxy_url when set.
std::shared_ptr<ConnectionFactory> make_tls_connection_factory(const RestConfig& config);

}  // namespace orka::core
