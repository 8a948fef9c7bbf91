// Shared helpers for the kubeconfig tests: a temporary directory, an injected environment,
// fake PEM material and a check that secrets never reach human-readable text.
#pragma once

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "util/base64.hpp"
#include "kubeconfig/kubeconfig.hpp"

namespace kubeconfig_test {

using orka::fail;
using orka::Result;

// Distinctive values: if one of them shows up in a message, a secret leaked.
inline const std::string kToken = "tok-SECRET-4f1c9e";
inline const std::string kPassword = "pw-SECRET-77aa21";
inline const std::string kCaPem =
    "-----BEGIN CERTIFICATE-----\nQ0EtY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
inline const std::string kCertPem =
    "-----BEGIN CERTIFICATE-----\nY2xpZW50LWNlcnQ=\n-----END CERTIFICATE-----\n";
inline const std::string kKeyPem =
    "-----BEGIN PRIVATE KEY-----\nKEY-SECRET-0d93bb\n-----END PRIVATE KEY-----\n";

inline std::vector<std::string> secrets() {
  return {kToken,        kPassword,      "KEY-SECRET-0d93bb", orka::core::encode_base64(kKeyPem),
          "exec-SECRET", "stdout-SECRET"};
}

inline void check_no_secret(const std::string& text) {
  for (const auto& secret : secrets()) {
    INFO("text: " << text);
    CHECK(text.find(secret) == std::string::npos);
  }
}

inline void check_no_secret(const orka::Error& error) {
  check_no_secret(error.message);
  check_no_secret(error.hint);
  check_no_secret(orka::describe(error));
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "orka-kubeconfig-XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str(const std::string& relative = "") const {
    return relative.empty() ? path_.string() : (path_ / relative).string();
  }

  std::string write(const std::string& relative, const std::string& content,
                    bool executable = false) const {
    const auto file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out << content;
    }
    if (executable) ::chmod(file.c_str(), 0755);
    return file.string();
  }

  std::string read(const std::string& relative) const {
    std::ifstream in(path_ / relative, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }

 private:
  std::filesystem::path path_;
};

// An injected environment: only what the test sets exists.
struct FakeEnv {
  std::map<std::string, std::string> values;

  std::function<std::optional<std::string>(const std::string&)> lookup() const {
    auto copy = values;
    return [copy](const std::string& name) -> std::optional<std::string> {
      auto it = copy.find(name);
      if (it == copy.end()) return std::nullopt;
      return it->second;
    };
  }
};

// Options for one test: no HOME config, no in-cluster, unless the test adds them.
inline orka::core::KubeconfigLoadOptions options_with(const FakeEnv& env, const TempDir& dir) {
  orka::core::KubeconfigLoadOptions options;
  options.getenv = env.lookup();
  options.service_account_dir = dir.str("no-service-account");
  options.stdin_is_terminal = false;
  return options;
}

inline std::string b64(const std::string& text) { return orka::core::encode_base64(text); }

inline orka::core::Credentials credentials_of(orka::core::RestConfig& config) {
  REQUIRE(config.auth != nullptr);
  auto credentials = config.auth->credentials(orka::CancelToken());
  REQUIRE_MESSAGE(credentials.has_value(), credentials.error().message);
  return *credentials;
}

// A minimal kubeconfig with one context "main" → cluster "main" → user "main".
inline std::string single_context(const std::string& cluster_body, const std::string& user_body,
                                  const std::string& extra_context = "") {
  std::string text =
      "apiVersion: v1\nkind: Config\ncurrent-context: main\n"
      "clusters:\n- name: main\n  cluster:\n" +
      cluster_body + "users:\n- name: main\n  user:\n" + user_body +
      "contexts:\n- name: main\n  context:\n    cluster: main\n    user: main\n" + extra_context;
  return text;
}

inline const std::string kServerOnly = "    server: https://127.0.0.1:6443\n";

}  // namespace kubeconfig_test
