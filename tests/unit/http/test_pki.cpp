#include "test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace orka::testing {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

KeyPtr new_key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EC key generation");
  return key;
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string to_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

std::string to_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

struct Issued {
  CertPtr cert;
  KeyPtr key;
};

// Issues a certificate; issuer == nullptr makes it self-signed.
Issued issue(const std::string& common_name, const Issued* issuer, bool is_ca,
             const std::string& extended_usage, const std::vector<std::string>& sans) {
  static long serial = 1;
  Issued out{CertPtr(X509_new()), new_key()};
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, out.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509* issuer_cert = issuer ? issuer->cert.get() : cert;
  EVP_PKEY* issuer_key = issuer ? issuer->key.get() : out.key.get();
  X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert));

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer_cert, cert, nullptr, nullptr, 0);
  add_extension(cert, &ctx, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_extension(cert, &ctx, NID_key_usage,
                is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
  add_extension(cert, &ctx, NID_subject_key_identifier, "hash");
  add_extension(cert, &ctx, NID_authority_key_identifier, "keyid:always");
  if (!extended_usage.empty()) add_extension(cert, &ctx, NID_ext_key_usage, extended_usage);
  if (!sans.empty()) {
    std::string joined;
    for (const auto& san : sans) joined += (joined.empty() ? "" : ",") + san;
    add_extension(cert, &ctx, NID_subject_alt_name, joined);
  }
  check(X509_sign(cert, issuer_key, EVP_sha256()) > 0, "signing");
  return out;
}

}  // namespace

struct TestPki::Impl {
  Issued ca;
};

TestPki::TestPki() : impl_(std::make_unique<Impl>()) {
  impl_->ca = issue("orka test CA", nullptr, true, "", {});
  ca_ = {to_pem(impl_->ca.cert.get()), to_pem(impl_->ca.key.get())};
}

TestPki::~TestPki() = default;

Pem TestPki::server(const std::string& common_name, const std::vector<std::string>& sans) const {
  auto issued = issue(common_name, &impl_->ca, false, "serverAuth", sans);
  return {to_pem(issued.cert.get()), to_pem(issued.key.get())};
}

Pem TestPki::client(const std::string& common_name) const {
  auto issued = issue(common_name, &impl_->ca, false, "clientAuth", {});
  return {to_pem(issued.cert.get()), to_pem(issued.key.get())};
}

}  // namespace orka::testing
