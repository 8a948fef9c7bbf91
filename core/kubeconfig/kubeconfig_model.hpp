// One kubeconfig file (or several merged) as written: names → entries, paths already
// resolved against the file that named them, *-data fields still base64 text.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orka::core {

// Where an entry came from, for error messages ("context "x" in /home/u/.kube/config:12").
struct EntryOrigin {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
};

struct ClusterEntry {
  std::string server;
  std::string certificate_authority;       // path
  std::string certificate_authority_data;  // base64
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string proxy_url;
  EntryOrigin origin;
};

struct ExecEnvVar {
  std::string name;
  std::string value;
};

struct ExecConfig {
  std::string api_version;
  std::string command;  // resolved against the file's directory when it contains a '/'
  std::vector<std::string> args;
  std::vector<ExecEnvVar> env;
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string interactive_mode;  // "" when the file does not set it
};

struct UserEntry {
  std::string client_certificate;       // path
  std::string client_certificate_data;  // base64
  std::string client_key;               // path
  std::string client_key_data;          // base64, secret
  std::string token;                    // secret
  std::string token_file;               // path
  std::string username;
  std::string password;  // secret
  std::optional<ExecConfig> exec;
  std::optional<std::string> auth_provider;  // legacy in-tree provider name (gcp, oidc, azure…)
  std::vector<std::string> impersonation_fields;  // "as", "as-groups"… that are set
  EntryOrigin origin;
};

struct ContextEntry {
  std::string cluster;
  std::string user;
  std::string namespace_;
  EntryOrigin origin;
};

struct KubeconfigDocument {
  std::vector<std::string> files;  // one for a single file; every merged file otherwise
  std::map<std::string, ClusterEntry> clusters;
  std::map<std::string, UserEntry> users;
  std::map<std::string, ContextEntry> contexts;
  std::string current_context;
  std::string current_context_file;  // which file set it

  bool empty() const {
    return clusters.empty() && users.empty() && contexts.empty() && current_context.empty();
  }
};

}  // namespace orka::core
