// OpenSSL configuration for one API server: the SSL_CTX carrying the trust anchors and the
// verification mode, and client certificates parsed from memory PEM. Internal to liborka.
#pragma once

#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "kubeconfig/rest_config.hpp"
#include "orka/error.hpp"

namespace orka::core {

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * chain) const { sk_X509_pop_free(chain, X509_free); }
};

// The client's SSL_CTX: TLS 1.2+, ALPN http/1.1, peer verification unless `insecure`, trust
// anchors from `ca_pem` (empty: the system trust store). Errors never quote key material.
Result<std::shared_ptr<SSL_CTX>> make_client_tls_context(const std::string& ca_pem, bool insecure);

// A client certificate (leaf plus any intermediates) and its private key, parsed once.
struct ParsedClientCertificate {
  std::unique_ptr<X509, X509Deleter> leaf;
  std::unique_ptr<STACK_OF(X509), X509StackDeleter> chain;  // may be empty
  std::unique_ptr<EVP_PKEY, EvpPkeyDeleter> key;
};

Result<std::shared_ptr<const ParsedClientCertificate>> parse_client_certificate(
    const ClientCertificate& certificate);

// Presents `certificate` on one connection (before the handshake).
Result<void> use_client_certificate(SSL* ssl, const ParsedClientCertificate& certificate);

// The queued OpenSSL errors as one line (and clears the queue); `fallback` when none.
std::string drain_openssl_errors(std::string_view fallback);

}  // namespace orka::core
