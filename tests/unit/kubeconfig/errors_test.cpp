// Every load error: kind, a message naming the file/entry, a hint, and never a secret.
#include <doctest/doctest.h>

#include "kubeconfig_fixture.hpp"

using namespace orka::core;
using namespace kubeconfig_test;

namespace {

struct LoadResult {
  TempDir dir;
  std::string file;
  Result<RestConfig> config = fail(orka::ErrorKind::Internal, "not loaded");
};

// Writes `text` as the only kubeconfig (via --kubeconfig) and loads it.
void load_text(LoadResult& result, const std::string& text,
               const std::optional<std::string>& context = std::nullopt) {
  FakeEnv env;
  auto options = options_with(env, result.dir);
  result.file = result.dir.write("config", text);
  options.explicit_path = result.file;
  options.context = context;
  result.config = load_rest_config(options);
}

const orka::Error& expect_error(const LoadResult& result, orka::ErrorKind kind) {
  REQUIRE_FALSE(result.config.has_value());
  const auto& error = result.config.error();
  INFO("message: " << error.message);
  CHECK(error.kind == kind);
  CHECK_FALSE(error.hint.empty());
  check_no_secret(error);
  return error;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::string kTwoContexts = R"(current-context: gone
clusters:
- name: c1
  cluster: {server: https://one.example}
- name: c2
  cluster: {server: https://two.example}
users:
- name: u1
  user: {token: )" + kToken + R"(}
contexts:
- name: alpha
  context: {cluster: c1, user: u1}
- name: beta
  context: {cluster: missing-cluster, user: u1}
- name: gamma
  context: {cluster: c1, user: missing-user}
- name: delta
  context: {user: u1}
)";

}  // namespace

TEST_CASE("error: --kubeconfig names a file that does not exist") {
  LoadResult result;
  FakeEnv env;
  auto options = options_with(env, result.dir);
  options.explicit_path = result.dir.str("nope/config");
  result.config = load_rest_config(options);
  const auto& error = expect_error(result, orka::ErrorKind::NotFound);
  CHECK(contains(error.message, result.dir.str("nope/config")));
  CHECK(contains(error.message, "--kubeconfig"));
}

TEST_CASE("error: no kubeconfig anywhere and not in a cluster") {
  LoadResult result;
  FakeEnv env;
  env.values["KUBECONFIG"] = result.dir.str("a") + ":" + result.dir.str("b");
  result.config = load_rest_config(options_with(env, result.dir));
  const auto& error = expect_error(result, orka::ErrorKind::NotFound);
  CHECK(contains(error.message, "none of the KUBECONFIG files exist"));
  CHECK(contains(error.message, result.dir.str("a")));
  CHECK(contains(error.message, result.dir.str("b")));
}

TEST_CASE("error: YAML syntax errors name the file and line") {
  LoadResult result;
  load_text(result,
            "apiVersion: v1\nclusters:\n- name: a\n  cluster:\n    server: [unclosed\n"
            "users: []\n");
  const auto& error = expect_error(result, orka::ErrorKind::Config);
  CHECK(contains(error.message, result.file + ":"));
  CHECK(contains(error.message, "invalid YAML"));
  // yaml-cpp reports the flow sequence that never closes; its line is within the sequence.
  const bool names_a_line = contains(error.message, result.file + ":5:") ||
                            contains(error.message, result.file + ":6:") ||
                            contains(error.message, result.file + ":7:");
  CHECK(names_a_line);
}

TEST_CASE("error: a wrongly shaped kubeconfig names the file, line and field") {
  LoadResult result;
  SUBCASE("clusters is a mapping") {
    load_text(result, "apiVersion: v1\nkind: Config\nclusters:\n  main: {server: x}\n");
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, result.file + ":4: clusters must be a list"));
  }
  SUBCASE("a field of the wrong type, with a secret next to it") {
    load_text(result, "users:\n- name: u\n  user:\n    token: [" + kToken + "]\n");
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, result.file + ":4:"));
    CHECK(contains(error.message, "user \"u\".token must be a string"));
  }
  SUBCASE("a duplicate name") {
    load_text(result, "contexts:\n- name: x\n  context: {}\n- name: x\n  context: {}\n");
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message,
                   result.file + ":4: duplicate name \"x\" in contexts (first at line 2)"));
  }
  SUBCASE("an entry without a name") {
    load_text(result, "clusters:\n- cluster: {server: https://x}\n");
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "clusters[0] has no name"));
  }
  SUBCASE("not a kubeconfig") {
    load_text(result, "apiVersion: v1\nkind: Pod\n");
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "kind is \"Pod\""));
  }
  SUBCASE("a top-level list") {
    load_text(result, "- a\n- b\n");
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "top level must be a mapping"));
  }
  SUBCASE("insecure-skip-tls-verify that is not a boolean") {
    load_text(result,
              single_context(kServerOnly + "    insecure-skip-tls-verify: sometimes\n", ""));
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "insecure-skip-tls-verify must be true or false"));
  }
}

TEST_CASE("error: unknown context, cluster and user list what is available") {
  LoadResult result;
  SUBCASE("current-context names a missing context") {
    load_text(result, kTwoContexts);
    const auto& error = expect_error(result, orka::ErrorKind::NotFound);
    CHECK(contains(error.message, "context \"gone\""));
    CHECK(contains(error.message, "current-context in " + result.file));
    CHECK(contains(error.message, "available contexts: \"alpha\", \"beta\", \"delta\", \"gamma\""));
  }
  SUBCASE("--context names a missing context") {
    load_text(result, kTwoContexts, "nonesuch");
    const auto& error = expect_error(result, orka::ErrorKind::NotFound);
    CHECK(contains(error.message, "context \"nonesuch\" not found in " + result.file));
    CHECK(contains(error.message, "\"alpha\""));
    CHECK(contains(error.hint, "--context"));
  }
  SUBCASE("the context's cluster is missing") {
    load_text(result, kTwoContexts, "beta");
    const auto& error = expect_error(result, orka::ErrorKind::NotFound);
    CHECK(contains(error.message, "cluster \"missing-cluster\" of context \"beta\""));
    CHECK(contains(error.message, "available clusters: \"c1\", \"c2\""));
  }
  SUBCASE("the context's user is missing") {
    load_text(result, kTwoContexts, "gamma");
    const auto& error = expect_error(result, orka::ErrorKind::NotFound);
    CHECK(contains(error.message, "user \"missing-user\" of context \"gamma\""));
    CHECK(contains(error.message, "available users: \"u1\""));
  }
  SUBCASE("the context names no cluster") {
    load_text(result, kTwoContexts, "delta");
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "context \"delta\""));
    CHECK(contains(error.message, "names no cluster"));
  }
  SUBCASE("no current context at all") {
    load_text(result, "clusters: []\ncontexts:\n- name: only\n  context: {cluster: c}\n");
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "no current context"));
    CHECK(contains(error.message, "\"only\""));
  }
}

TEST_CASE("error: a cluster with no server") {
  LoadResult result;
  load_text(result, single_context("    tls-server-name: x\n", ""));
  const auto& error = expect_error(result, orka::ErrorKind::Config);
  CHECK(contains(error.message, "cluster \"main\""));
  CHECK(contains(error.message, result.file + ":5"));
  CHECK(contains(error.message, "has no server"));
  CHECK(contains(error.message, "context \"main\""));
}

TEST_CASE("error: base64 decode failures name the field and never the data") {
  LoadResult result;
  SUBCASE("certificate-authority-data") {
    load_text(result, single_context(
                          kServerOnly + "    certificate-authority-data: '%%%not-base64'\n", ""));
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "certificate-authority-data of cluster \"main\""));
    CHECK(contains(error.message, "not valid base64"));
    CHECK(contains(error.message, result.file));
    CHECK_FALSE(contains(error.message, "%%%not-base64"));
  }
  SUBCASE("client-key-data holding a raw secret") {
    load_text(result,
              single_context(kServerOnly, "    client-certificate-data: " + b64(kCertPem) +
                                              "\n    client-key-data: '" + kKeyPem.substr(0, 27) +
                                              "KEY-SECRET-0d93bb'\n"));
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "client-key-data of user \"main\""));
  }
  SUBCASE("valid base64 that is not PEM") {
    load_text(result, single_context(kServerOnly, "    client-certificate-data: " + b64(kCertPem) +
                                                      "\n    client-key-data: " +
                                                      b64("KEY-SECRET-0d93bb") + "\n"));
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "client-key-data of user \"main\""));
    CHECK(contains(error.message, "PEM"));
  }
}

TEST_CASE("error: missing referenced files name the field and path") {
  LoadResult result;
  SUBCASE("certificate-authority") {
    load_text(result,
              single_context(kServerOnly + "    certificate-authority: ca/missing.crt\n", ""));
    const auto& error = expect_error(result, orka::ErrorKind::NotFound);
    CHECK(contains(error.message, "certificate-authority of cluster \"main\""));
    CHECK(contains(error.message, result.dir.str("ca/missing.crt")));
  }
  SUBCASE("client-key") {
    result.dir.write("client.crt", kCertPem);
    load_text(result,
              single_context(kServerOnly,
                             "    client-certificate: client.crt\n    client-key: gone.key\n"));
    const auto& error = expect_error(result, orka::ErrorKind::NotFound);
    CHECK(contains(error.message, "client-key of user \"main\""));
    CHECK(contains(error.message, result.dir.str("gone.key")));
  }
  SUBCASE("a CA file that is not PEM") {
    result.dir.write("ca.crt", "garbage");
    load_text(result, single_context(kServerOnly + "    certificate-authority: ca.crt\n", ""));
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "does not contain a PEM block"));
  }
}

TEST_CASE("error: insecure-skip-tls-verify together with a CA is refused") {
  LoadResult result;
  load_text(result, single_context(kServerOnly +
                                       "    insecure-skip-tls-verify: true\n"
                                       "    certificate-authority-data: " +
                                       b64(kCaPem) + "\n",
                                   ""));
  const auto& error = expect_error(result, orka::ErrorKind::Config);
  CHECK(contains(error.message, "insecure-skip-tls-verify together with a certificate authority"));
  CHECK(contains(error.message, "cluster \"main\""));
  CHECK(contains(error.hint, "remove insecure-skip-tls-verify"));
}

TEST_CASE("error: legacy auth-provider is unsupported and exec plugins are suggested") {
  for (const std::string provider : {"gcp", "oidc", "azure"}) {
    CAPTURE(provider);
    LoadResult result;
    load_text(result,
              single_context(kServerOnly, "    auth-provider:\n      name: " + provider +
                                              "\n      config:\n        id-token: " + kToken +
                                              "\n        refresh-token: " + kPassword + "\n"));
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "auth-provider \"" + provider + "\""));
    CHECK(contains(error.message, "does not support"));
    CHECK(contains(error.hint, "exec credential plugin"));
  }
}

TEST_CASE("error: conflicting or incomplete user credentials") {
  LoadResult result;
  SUBCASE("token and basic auth") {
    load_text(result, single_context(kServerOnly,
                                     "    token: " + kToken +
                                         "\n    username: a\n    password: " + kPassword + "\n"));
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "only one authentication method"));
  }
  SUBCASE("a certificate without a key") {
    load_text(result,
              single_context(kServerOnly, "    client-certificate-data: " + b64(kCertPem) + "\n"));
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "has a client certificate but no client key"));
  }
  SUBCASE("impersonation") {
    load_text(result, single_context(kServerOnly, "    token: " + kToken + "\n    as: admin\n"));
    const auto& error = expect_error(result, orka::ErrorKind::Config);
    CHECK(contains(error.message, "impersonation (as)"));
  }
}

TEST_CASE("no secret appears in warnings or describe() for any credential kind") {
  TempDir dir;
  FakeEnv env;
  auto options = options_with(env, dir);
  const std::vector<std::string> users = {
      "    token: " + kToken + "\n",
      "    username: alice\n    password: " + kPassword + "\n",
      "    client-certificate-data: " + b64(kCertPem) + "\n    client-key-data: " + b64(kKeyPem) +
          "\n    client-key: also.key\n    client-certificate: also.crt\n",
  };
  for (const auto& user : users) {
    options.explicit_path = dir.write(
        "config", single_context(kServerOnly + "    insecure-skip-tls-verify: true\n", user));
    auto config = load_rest_config(options);
    REQUIRE_MESSAGE(config.has_value(), config.error().message);
    CHECK_FALSE(config->warnings.empty());
    for (const auto& warning : config->warnings) check_no_secret(warning);
    check_no_secret(config->auth->describe());
    auto refreshed = config->auth->refresh(orka::CancelToken());
    REQUIRE_FALSE(refreshed.has_value());
    check_no_secret(refreshed.error());
  }
}
