// In-cluster configuration from the service account when no kubeconfig exists.
#include <doctest/doctest.h>

#include "kubeconfig_fixture.hpp"

using namespace orka::core;
using namespace kubeconfig_test;

namespace {

struct InCluster {
  TempDir dir;
  FakeEnv env;
  KubeconfigLoadOptions options;

  InCluster() {
    dir.write("sa/token", "sa-token-1\n");
    dir.write("sa/ca.crt", kCaPem);
    dir.write("sa/namespace", "team-a\n");
    env.values["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
    env.values["KUBERNETES_SERVICE_PORT"] = "443";
    env.values["HOME"] = dir.str("home");  // no .kube/config there
    options = options_with(env, dir);
    options.service_account_dir = dir.str("sa");
  }
  void set_env(const std::string& name, const std::string& value) {
    env.values[name] = value;
    options.getenv = env.lookup();
  }
};

}  // namespace

TEST_CASE("in-cluster: server from the service env vars, CA, namespace and a re-read token") {
  InCluster pod;
  auto config = load_rest_config(pod.options);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->in_cluster);
  CHECK(config->server == "https://10.96.0.1:443");
  CHECK(config->certificate_authority_pem == kCaPem);
  CHECK(config->namespace_ == "team-a");
  CHECK(config->source_files.empty());
  CHECK(credentials_of(*config).bearer_token == "sa-token-1");
  CHECK(config->auth->describe().find("service account token") != std::string::npos);
  // kubelet rotates the projected token in place.
  pod.dir.write("sa/token", "sa-token-rotated\n");
  CHECK(credentials_of(*config).bearer_token == "sa-token-rotated");
}

TEST_CASE("in-cluster: -n overrides the service account namespace; no namespace file → default") {
  InCluster pod;
  pod.options.namespace_ = "other";
  auto config = load_rest_config(pod.options);
  REQUIRE(config.has_value());
  CHECK(config->namespace_ == "other");
  pod.options.namespace_.reset();
  std::filesystem::remove(pod.dir.path() / "sa/namespace");
  config = load_rest_config(pod.options);
  REQUIRE(config.has_value());
  CHECK(config->namespace_ == "default");
}

TEST_CASE("in-cluster: an IPv6 service host is bracketed") {
  InCluster pod;
  pod.set_env("KUBERNETES_SERVICE_HOST", "fd00::1");
  auto config = load_rest_config(pod.options);
  REQUIRE(config.has_value());
  CHECK(config->server == "https://[fd00::1]:443");
}

TEST_CASE("in-cluster is not used when a kubeconfig exists, or with --kubeconfig") {
  InCluster pod;
  pod.dir.write("home/.kube/config", single_context(kServerOnly, ""));
  auto config = load_rest_config(pod.options);
  REQUIRE(config.has_value());
  CHECK_FALSE(config->in_cluster);
  CHECK(config->server == "https://127.0.0.1:6443");

  pod.options.explicit_path = pod.dir.str("absent.yaml");
  auto missing = load_rest_config(pod.options);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == orka::ErrorKind::NotFound);
}

TEST_CASE("in-cluster needs the env vars and the service account files") {
  SUBCASE("no KUBERNETES_SERVICE_PORT") {
    InCluster pod;
    pod.env.values.erase("KUBERNETES_SERVICE_PORT");
    pod.options.getenv = pod.env.lookup();
    auto config = load_rest_config(pod.options);
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().kind == orka::ErrorKind::NotFound);
    CHECK(config.error().message.find("no kubeconfig found") != std::string::npos);
    CHECK(config.error().message.find(pod.dir.str("home/.kube/config")) != std::string::npos);
  }
  SUBCASE("no token file") {
    InCluster pod;
    std::filesystem::remove(pod.dir.path() / "sa/token");
    auto config = load_rest_config(pod.options);
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().message.find("not running inside a cluster") != std::string::npos);
  }
}
