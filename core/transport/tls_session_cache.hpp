// TLS session resumption for new connections to the same API server: port-forward opens one
// WebSocket per local connection, and an abbreviated handshake saves a round trip and the
// server's signature. Sessions are kept per client identity, so a rotated client certificate
// never resumes a session made with the old one. Internal to liborka.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <openssl/ssl.h>

namespace orka::core {

class TlsSessionCache : public std::enable_shared_from_this<TlsSessionCache> {
 public:
  // Makes `ctx` hand every new client session to the cache of the connection it came on.
  static void install(SSL_CTX* ctx);

  // Offers the last session stored for `identity` on `ssl` (before the handshake) and tags
  // `ssl`, so sessions the server issues on it are stored under `identity`. The returned tag
  // must outlive `ssl`.
  std::shared_ptr<void> prepare(SSL* ssl, const std::string& identity);

  std::size_t size() const;

 private:
  struct SessionFree {
    void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
  };
  struct Tag {
    std::weak_ptr<TlsSessionCache> cache;
    std::string identity;
  };

  static int on_new_session(SSL* ssl, SSL_SESSION* session);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<SSL_SESSION, SessionFree>> sessions_;
};

}  // namespace orka::core
