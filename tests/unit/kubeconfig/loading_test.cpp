// Which files are read, how they merge, overrides and relative path resolution.
#include <doctest/doctest.h>

#include "kubeconfig/kubeconfig_contexts.hpp"
#include "kubeconfig_fixture.hpp"

using namespace orka::core;
using namespace kubeconfig_test;

namespace {

// File A: current-context "a", cluster "shared" at https://a.example, context "a".
const std::string kFileA = R"(apiVersion: v1
kind: Config
current-context: a
clusters:
- name: shared
  cluster:
    server: https://a.example:6443
contexts:
- name: a
  context: {cluster: shared, namespace: ns-a}
- name: both
  context: {cluster: shared}
)";

// File B: its own current-context, the same cluster name with other settings, and more names.
const std::string kFileB = R"(apiVersion: v1
kind: Config
current-context: b
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
    tls-server-name: b-name
- name: only-b
  cluster:
    server: https://only-b.example
    proxy-url: http://proxy.local:3128
users:
- name: bob
  user:
    username: bob
    password: )" + kPassword +
                           R"(
contexts:
- name: b
  context: {cluster: only-b, user: bob, namespace: ns-b}
- name: both
  context: {cluster: only-b, namespace: from-b}
)";

}  // namespace

TEST_CASE("KUBECONFIG merge: the first file to set a name or current-context wins") {
  TempDir dir;
  const auto a = dir.write("a.yaml", kFileA);
  const auto b = dir.write("b.yaml", kFileB);
  FakeEnv env;
  env.values["KUBECONFIG"] = a + ":" + dir.str("missing.yaml") + "::" + b;
  auto options = options_with(env, dir);

  SUBCASE("current-context and map entries come from the first file") {
    auto config = load_rest_config(options);
    REQUIRE_MESSAGE(config.has_value(), config.error().message);
    CHECK(config->context_name == "a");
    CHECK(config->cluster_name == "shared");
    CHECK(config->server == "https://a.example:6443");
    // Whole entries win: B's tls-server-name for "shared" is not mixed into A's entry.
    CHECK(config->tls_server_name.empty());
    CHECK(config->namespace_ == "ns-a");
    CHECK(config->source_files == std::vector<std::string>{a, b});
  }
  SUBCASE("names only the later file defines are still reachable") {
    options.context = "b";
    auto config = load_rest_config(options);
    REQUIRE_MESSAGE(config.has_value(), config.error().message);
    CHECK(config->server == "https://only-b.example");
    CHECK(config->proxy_url == "http://proxy.local:3128");
    CHECK(config->user_name == "bob");
    CHECK(config->namespace_ == "ns-b");
  }
  SUBCASE("a context defined in both files comes from the first") {
    options.context = "both";
    auto config = load_rest_config(options);
    REQUIRE_MESSAGE(config.has_value(), config.error().message);
    CHECK(config->cluster_name == "shared");
    CHECK(config->namespace_ == "default");
  }
  SUBCASE("reversing the order reverses the winners") {
    env.values["KUBECONFIG"] = b + ":" + a;
    options.getenv = env.lookup();
    auto config = load_rest_config(options);
    REQUIRE_MESSAGE(config.has_value(), config.error().message);
    CHECK(config->context_name == "b");
    options.context = "a";
    config = load_rest_config(options);
    REQUIRE_MESSAGE(config.has_value(), config.error().message);
    CHECK(config->server == "https://b.example:6443");
    CHECK(config->tls_server_name == "b-name");
  }
}

TEST_CASE("the contexts of the merged kubeconfig: every file's names, sorted; no credential read") {
  TempDir dir;
  const auto a = dir.write("a.yaml", kFileA);
  const auto b = dir.write("b.yaml", kFileB);
  const auto broken_user = dir.write("c.yaml", R"(contexts:
- name: c
  context: {cluster: nowhere, user: no-such-user}
users:
- name: no-such-user
  user: {client-certificate: /does/not/exist.crt, client-key: /does/not/exist.key}
)");
  FakeEnv env;
  env.values["KUBECONFIG"] = b + ":" + a + ":" + broken_user;
  auto contexts = load_kubeconfig_contexts(std::nullopt, env.lookup());
  REQUIRE_MESSAGE(contexts.has_value(), contexts.error().message);
  CHECK(contexts->names() == std::vector<std::string>{"a", "b", "both", "c"});
  CHECK(contexts->current_context == "b");
  CHECK(contexts->files == std::vector<std::string>{b, a, broken_user});

  auto only_a = load_kubeconfig_contexts(a, env.lookup());  // --kubeconfig: that file only
  REQUIRE(only_a);
  CHECK(only_a->names() == std::vector<std::string>{"a", "both"});
  auto missing = load_kubeconfig_contexts(dir.str("missing.yaml"), env.lookup());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == orka::ErrorKind::NotFound);
}

TEST_CASE("--context a,b on an op that takes one context says that several are for logs") {
  TempDir dir;
  FakeEnv env;
  env.values["KUBECONFIG"] = dir.write("a.yaml", kFileA);
  auto options = options_with(env, dir);
  options.context = "a,both";
  auto config = load_rest_config(options);
  REQUIRE_FALSE(config);
  CHECK(config.error().message.find("context \"a,both\"") != std::string::npos);
  CHECK(config.error().hint.find("orka ops logs") != std::string::npos);
}

TEST_CASE("a later file supplies current-context when earlier files do not set it") {
  TempDir dir;
  const auto first = dir.write("first.yaml", R"(clusters:
- name: c
  cluster: {server: https://first.example}
contexts:
- name: later
  context: {cluster: c}
)");
  const auto second = dir.write("second.yaml", "current-context: later\n");
  FakeEnv env;
  env.values["KUBECONFIG"] = first + ":" + second;
  auto config = load_rest_config(options_with(env, dir));
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->context_name == "later");
  CHECK(config->server == "https://first.example");
}

TEST_CASE("--kubeconfig reads exactly one file and never merges") {
  TempDir dir;
  const auto a = dir.write("a.yaml", kFileA);
  const auto b = dir.write("b.yaml", kFileB);
  FakeEnv env;
  env.values["KUBECONFIG"] = a + ":" + b;
  env.values["HOME"] = dir.str();
  auto options = options_with(env, dir);
  options.explicit_path = b;

  auto config = load_rest_config(options);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->context_name == "b");
  CHECK(config->source_files == std::vector<std::string>{b});

  options.context = "a";  // only in a.yaml, which KUBECONFIG names but --kubeconfig excludes
  auto missing = load_rest_config(options);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == orka::ErrorKind::NotFound);
  CHECK(missing.error().message.find(b) != std::string::npos);
  CHECK(missing.error().message.find(a) == std::string::npos);
}

TEST_CASE("without --kubeconfig or KUBECONFIG, $HOME/.kube/config is read") {
  TempDir dir;
  dir.write("home/.kube/config", single_context(kServerOnly, ""));
  FakeEnv env;
  env.values["HOME"] = dir.str("home");
  env.values["KUBECONFIG"] = "";  // set but empty: same as unset
  auto config = load_rest_config(options_with(env, dir));
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->source_files == std::vector<std::string>{dir.str("home/.kube/config")});
  CHECK(config->server == "https://127.0.0.1:6443");
  CHECK(config->auth->describe() == "anonymous (no credentials)");
}

TEST_CASE("KUBECONFIG takes precedence over $HOME/.kube/config") {
  TempDir dir;
  dir.write("home/.kube/config", single_context("    server: https://home.example\n", ""));
  const auto other =
      dir.write("other.yaml", single_context("    server: https://other.example\n", ""));
  FakeEnv env;
  env.values["HOME"] = dir.str("home");
  env.values["KUBECONFIG"] = other;
  auto config = load_rest_config(options_with(env, dir));
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->server == "https://other.example");
}

TEST_CASE("context and namespace overrides") {
  TempDir dir;
  const auto file = dir.write("config", kFileB);
  FakeEnv env;
  auto options = options_with(env, dir);
  options.explicit_path = file;

  SUBCASE("the context's namespace by default") {
    auto config = load_rest_config(options);
    REQUIRE(config.has_value());
    CHECK(config->namespace_ == "ns-b");
  }
  SUBCASE("-n wins over the context's namespace") {
    options.namespace_ = "override";
    auto config = load_rest_config(options);
    REQUIRE(config.has_value());
    CHECK(config->namespace_ == "override");
  }
  SUBCASE("--context selects another context and its namespace") {
    options.context = "both";
    auto config = load_rest_config(options);
    REQUIRE(config.has_value());
    CHECK(config->context_name == "both");
    CHECK(config->namespace_ == "from-b");
    CHECK(config->user_name.empty());
    CHECK(config->auth->describe() == "anonymous (no credentials)");
  }
  SUBCASE("\"default\" when neither sets one") {
    dir.write("config", single_context(kServerOnly, ""));
    auto config = load_rest_config(options);
    REQUIRE(config.has_value());
    CHECK(config->namespace_ == "default");
  }
}

TEST_CASE("relative paths resolve against the file that names them, not the working directory") {
  TempDir dir;
  dir.write("conf/sub/ca.pem", kCaPem);
  dir.write("conf/certs/client.pem", kCertPem);
  dir.write("conf/certs/client.key", kKeyPem);
  dir.write("conf/sub/token", kToken + "\n");
  const auto first = dir.write("conf/sub/config", R"(current-context: main
clusters:
- name: main
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: ca.pem
contexts:
- name: main
  context: {cluster: main, user: main}
)");
  // The user lives in a second file in another directory: its paths resolve against that one.
  const auto second = dir.write("conf/certs/users.yaml", R"(users:
- name: main
  user:
    client-certificate: client.pem
    client-key: ./client.key
    tokenFile: ../sub/token
)");
  FakeEnv env;
  env.values["KUBECONFIG"] = first + ":" + second;
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path("/");
  auto config = load_rest_config(options_with(env, dir));
  std::filesystem::current_path(previous);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->certificate_authority_pem == kCaPem);
  auto credentials = credentials_of(*config);
  REQUIRE(credentials.client_certificate.has_value());
  CHECK(credentials.client_certificate->certificate_pem == kCertPem);
  CHECK(credentials.client_certificate->key_pem == kKeyPem);
  CHECK(credentials.bearer_token == kToken);
  const auto description = config->auth->describe();
  CHECK(description.find(dir.str("conf/sub/token")) != std::string::npos);
  check_no_secret(description);
}

TEST_CASE("cluster settings: CA data, tls-server-name, proxy-url, server normalisation") {
  TempDir dir;
  FakeEnv env;
  auto options = options_with(env, dir);
  options.explicit_path =
      dir.write("config", single_context("    server: 127.0.0.1:6443/\n"
                                         "    certificate-authority-data: " +
                                             b64(kCaPem) +
                                             "\n"
                                             "    tls-server-name: kubernetes.default\n"
                                             "    proxy-url: http://127.0.0.1:3128\n",
                                         ""));
  auto config = load_rest_config(options);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->server == "https://127.0.0.1:6443");
  CHECK(config->certificate_authority_pem == kCaPem);
  CHECK(config->tls_server_name == "kubernetes.default");
  CHECK(config->proxy_url == "http://127.0.0.1:3128");
  CHECK_FALSE(config->insecure_skip_tls_verify);
  CHECK(config->warnings.empty());
}

TEST_CASE("insecure-skip-tls-verify is honoured and warned about") {
  TempDir dir;
  FakeEnv env;
  auto options = options_with(env, dir);
  options.explicit_path =
      dir.write("config", single_context(kServerOnly + "    insecure-skip-tls-verify: true\n", ""));
  auto config = load_rest_config(options);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->insecure_skip_tls_verify);
  REQUIRE(config->warnings.size() == 1);
  CHECK(config->warnings[0].find("insecure-skip-tls-verify") != std::string::npos);
  CHECK(config->warnings[0].find("\"main\"") != std::string::npos);
}

TEST_CASE("inline -data wins over a file path, with a warning") {
  TempDir dir;
  dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\nb3RoZXI=\n-----END CERTIFICATE-----\n");
  FakeEnv env;
  auto options = options_with(env, dir);
  options.explicit_path = dir.write(
      "config",
      single_context(kServerOnly +
                         "    certificate-authority: ca.pem\n    certificate-authority-data: " +
                         b64(kCaPem) + "\n",
                     ""));
  auto config = load_rest_config(options);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->certificate_authority_pem == kCaPem);
  REQUIRE(config->warnings.size() == 1);
  CHECK(config->warnings[0].find("certificate-authority-data") != std::string::npos);
}
