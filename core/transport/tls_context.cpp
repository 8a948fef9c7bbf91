#include "transport/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fmt/format.h>

namespace orka::core {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr memory_bio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Reads every certificate in `pem`; stops quietly at the end of the data.
std::vector<std::unique_ptr<X509, X509Deleter>> read_certificates(const std::string& pem) {
  std::vector<std::unique_ptr<X509, X509Deleter>> certs;
  auto bio = memory_bio(pem);
  if (!bio) return certs;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
    certs.emplace_back(cert);
  ERR_clear_error();  // the read past the last certificate queues "no start line"
  return certs;
}

}  // namespace

std::string drain_openssl_errors(std::string_view fallback) {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? std::string(fallback) : text;
}

Result<std::shared_ptr<SSL_CTX>> make_client_tls_context(const std::string& ca_pem,
                                                         bool insecure) {
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_client_method()), SslCtxDeleter{});
  if (!ctx)
    return fail(ErrorKind::Internal,
                "cannot create a TLS context: " + drain_openssl_errors("out of memory"));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE |
                                  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_AUTO_RETRY);
  // Servers that close without close_notify end a body like a clean close; framing
  // (Content-Length, chunked) still detects truncation.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  static constexpr unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx.get(), alpn, sizeof alpn);

  if (insecure) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    return ctx;
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (ca_pem.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1)
      return fail(ErrorKind::Config,
                  "cannot load the system's trusted certificates: " + drain_openssl_errors("?"),
                  "set certificate-authority in the kubeconfig cluster");
    return ctx;
  }
  auto certs = read_certificates(ca_pem);
  if (certs.empty())
    return fail(ErrorKind::Config,
                "the cluster's certificate authority contains no PEM certificate",
                "check certificate-authority / certificate-authority-data in the kubeconfig");
  X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
  for (auto& cert : certs) {
    if (X509_STORE_add_cert(store, cert.get()) != 1) {
      unsigned long code = ERR_peek_last_error();
      if (ERR_GET_REASON(code) == X509_R_CERT_ALREADY_IN_HASH_TABLE) {
        ERR_clear_error();
        continue;
      }
      return fail(ErrorKind::Config, "cannot use the cluster's certificate authority: " +
                                         drain_openssl_errors("?"));
    }
  }
  return ctx;
}

Result<std::shared_ptr<const ParsedClientCertificate>> parse_client_certificate(
    const ClientCertificate& certificate) {
  auto parsed = std::make_shared<ParsedClientCertificate>();
  auto certs = read_certificates(certificate.certificate_pem);
  if (certs.empty())
    return fail(ErrorKind::Config, "the client certificate contains no PEM certificate",
                "check client-certificate / client-certificate-data in the kubeconfig");
  parsed->leaf = std::move(certs.front());
  parsed->chain.reset(sk_X509_new_null());
  for (std::size_t i = 1; i < certs.size(); ++i)
    if (sk_X509_push(parsed->chain.get(), certs[i].get()) > 0) certs[i].release();

  auto key_bio = memory_bio(certificate.key_pem);
  parsed->key.reset(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)
                            : nullptr);
  // Error text from the PEM decoder can echo parts of the input: never include it.
  ERR_clear_error();
  if (!parsed->key)
    return fail(ErrorKind::Config,
                "the client key could not be read (expected an unencrypted PEM private key)",
                "check client-key / client-key-data in the kubeconfig");
  if (X509_check_private_key(parsed->leaf.get(), parsed->key.get()) != 1) {
    ERR_clear_error();
    return fail(ErrorKind::Config, "the client certificate and the client key do not match",
                "check client-certificate and client-key in the kubeconfig");
  }
  return std::shared_ptr<const ParsedClientCertificate>(std::move(parsed));
}

Result<void> use_client_certificate(SSL* ssl, const ParsedClientCertificate& certificate) {
  if (SSL_use_certificate(ssl, certificate.leaf.get()) != 1 ||
      SSL_use_PrivateKey(ssl, certificate.key.get()) != 1) {
    ERR_clear_error();
    return fail(ErrorKind::Config, "cannot use the client certificate for TLS");
  }
  for (int i = 0; i < sk_X509_num(certificate.chain.get()); ++i) {
    if (SSL_add1_chain_cert(ssl, sk_X509_value(certificate.chain.get(), i)) != 1) {
      ERR_clear_error();
      return fail(ErrorKind::Config, "cannot use the client certificate's chain for TLS");
    }
  }
  return {};
}

}  // namespace orka::core
