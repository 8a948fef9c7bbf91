// Credentials fixed in the kubeconfig: client certificate (file and data), token, basic auth.
#include <doctest/doctest.h>

#include "kubeconfig_fixture.hpp"

using namespace orka::core;
using namespace kubeconfig_test;

namespace {

Result<RestConfig> load_user(const TempDir& dir, const std::string& user_body) {
  FakeEnv env;
  auto options = options_with(env, dir);
  options.explicit_path = dir.write("config", single_context(kServerOnly, user_body));
  return load_rest_config(options);
}

}  // namespace

TEST_CASE("client certificate from files is read into memory") {
  TempDir dir;
  dir.write("client.crt", kCertPem);
  dir.write("client.key", kKeyPem);
  auto config = load_user(dir, "    client-certificate: client.crt\n    client-key: client.key\n");
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  // The files may go away once loaded: the material is already in memory.
  std::filesystem::remove(dir.path() / "client.key");
  auto credentials = credentials_of(*config);
  REQUIRE(credentials.client_certificate.has_value());
  CHECK(credentials.client_certificate->certificate_pem == kCertPem);
  CHECK(credentials.client_certificate->key_pem == kKeyPem);
  CHECK(credentials.bearer_token.empty());
  CHECK_FALSE(credentials.basic.has_value());
  CHECK(config->auth->describe() == "client certificate");
}

TEST_CASE("client certificate from -data fields is decoded in memory") {
  TempDir dir;
  auto config = load_user(dir, "    client-certificate-data: " + b64(kCertPem) +
                                   "\n    client-key-data: " + b64(kKeyPem) + "\n");
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = credentials_of(*config);
  REQUIRE(credentials.client_certificate.has_value());
  CHECK(credentials.client_certificate->certificate_pem == kCertPem);
  CHECK(credentials.client_certificate->key_pem == kKeyPem);
  check_no_secret(config->auth->describe());
  // Nothing was written next to the kubeconfig.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("a literal token is presented as a bearer token; refresh has nothing new") {
  TempDir dir;
  auto config = load_user(dir, "    token: " + kToken + "\n");
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = credentials_of(*config);
  CHECK(credentials.bearer_token == kToken);
  CHECK(config->auth->describe() == "bearer token");
  auto refreshed = config->auth->refresh(orka::CancelToken());
  REQUIRE_FALSE(refreshed.has_value());
  CHECK(refreshed.error().kind == orka::ErrorKind::Unauthorized);
  CHECK(refreshed.error().message.find("user \"main\"") != std::string::npos);
  check_no_secret(refreshed.error());
}

TEST_CASE("basic auth: username and password; describe names the user only") {
  TempDir dir;
  auto config = load_user(dir, "    username: alice\n    password: " + kPassword + "\n");
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = credentials_of(*config);
  REQUIRE(credentials.basic.has_value());
  CHECK(credentials.basic->first == "alice");
  CHECK(credentials.basic->second == kPassword);
  CHECK(config->auth->describe() == "basic auth (user alice)");
}

TEST_CASE("client certificate and token together") {
  TempDir dir;
  auto config = load_user(dir, "    client-certificate-data: " + b64(kCertPem) +
                                   "\n    client-key-data: " + b64(kKeyPem) +
                                   "\n    token: " + kToken + "\n");
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = credentials_of(*config);
  CHECK(credentials.client_certificate.has_value());
  CHECK(credentials.bearer_token == kToken);
  CHECK(config->auth->describe() == "client certificate + bearer token");
}

TEST_CASE("a context without a user is anonymous") {
  TempDir dir;
  FakeEnv env;
  auto options = options_with(env, dir);
  options.explicit_path = dir.write("config", R"(current-context: anon
clusters:
- name: c
  cluster: {server: https://127.0.0.1:6443}
contexts:
- name: anon
  context: {cluster: c}
)");
  auto config = load_rest_config(options);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = credentials_of(*config);
  CHECK(credentials.bearer_token.empty());
  CHECK_FALSE(credentials.client_certificate.has_value());
  auto refreshed = config->auth->refresh(orka::CancelToken());
  REQUIRE_FALSE(refreshed.has_value());
  CHECK(refreshed.error().kind == orka::ErrorKind::Unauthorized);
  CHECK(refreshed.error().message.find("no user") != std::string::npos);
}
