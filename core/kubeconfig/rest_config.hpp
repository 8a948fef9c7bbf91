// What the transport needs to reach one API server as one user: the result of resolving a
// kubeconfig (or in-cluster config). Internal to liborka.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/error.hpp"

namespace orka::core {

struct ClientCertificate {
  std::string certificate_pem;
  std::string key_pem;  // secret: never logged
};

// The credentials to present on one request. Secrets: never logged, never in error text.
struct Credentials {
  std::string bearer_token;
  std::optional<std::pair<std::string, std::string>> basic;  // username, password
  std::optional<ClientCertificate> client_certificate;
};

// Produces credentials; token files and exec plugins refresh themselves (cached until expiry).
class AuthProvider {
 public:
  virtual ~AuthProvider() = default;
  virtual Result<Credentials> credentials(const CancelToken& cancel) = 0;
  // Called once after a 401: an exec plugin runs again, a token file is re-read.
  // Returns Unauthorized when there is nothing new to try.
  virtual Result<Credentials> refresh(const CancelToken& cancel) = 0;
  // "client certificate", "token file /path", "exec plugin aws" — never the secret itself.
  virtual std::string describe() const = 0;
  // Why the server may have rejected the last credentials given out, when the provider knows
  // something the 401 does not say (an exec plugin's credential that had already expired);
  // empty otherwise. Never the secret itself.
  virtual std::string rejection_note() const { return {}; }
};

struct RestConfig {
  std::string server;  // "https://127.0.0.1:6443", possibly with a path prefix
  std::string certificate_authority_pem;  // empty: the system's trust store
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // SNI and hostname check override
  std::string proxy_url;        // "http://host:port": HTTP CONNECT
  std::string namespace_;       // resolved: -n, the context's, or "default"
  std::string context_name;
  std::string cluster_name;
  std::string user_name;
  std::shared_ptr<AuthProvider> auth;  // never null (an anonymous provider when no user)
  std::vector<std::string> warnings;   // e.g. insecure-skip-tls-verify in use
  // The kubeconfig files merged, highest precedence first (empty in-cluster).
  std::vector<std::string> source_files;
  bool in_cluster = false;  // built from the pod's service account
};

}  // namespace orka::core
