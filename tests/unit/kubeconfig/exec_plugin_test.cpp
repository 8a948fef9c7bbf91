// Exec credential plugins, exercised with real bash scripts in a temporary directory.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "kubeconfig/exec_auth.hpp"
#include "kubeconfig_fixture.hpp"

using namespace orka::core;
using namespace kubeconfig_test;
using nlohmann::json;

namespace {

constexpr const char* kV1 = "client.authentication.k8s.io/v1";
constexpr const char* kV1beta1 = "client.authentication.k8s.io/v1beta1";

struct ExecUser {
  std::string api_version = kV1;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string interactive_mode = "Never";
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string extra_user_fields;

  std::string yaml() const {
    std::string text = extra_user_fields + "    exec:\n";
    text += "      apiVersion: " + json(api_version).dump() + "\n";
    text += "      command: " + json(command).dump() + "\n";
    text += "      args: " + json(args).dump() + "\n";
    if (!env.empty()) {
      text += "      env:\n";
      for (const auto& [name, value] : env)
        text +=
            "      - name: " + json(name).dump() + "\n        value: " + json(value).dump() + "\n";
    }
    if (!interactive_mode.empty()) text += "      interactiveMode: " + interactive_mode + "\n";
    if (!install_hint.empty()) text += "      installHint: " + json(install_hint).dump() + "\n";
    if (provide_cluster_info) text += "      provideClusterInfo: true\n";
    return text;
  }
};

// A plugin that counts its runs (one line per run in $COUNTER), records what it was given,
// and prints the ExecCredential JSON built by the shell snippet `status_json`.
std::string counting_plugin(const std::string& api_version, const std::string& status_json) {
  return "#!/bin/bash\n"
         "echo run >> \"$COUNTER\"\n"
         "n=$(wc -l < \"$COUNTER\")\n"
         "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$1/exec-info.json\"\n"
         "printf '%s\\n' \"$@\" > \"$1/args.txt\"\n"
         "printf '%s' \"$PLUGIN_SETTING\" > \"$1/env.txt\"\n"
         "cat <<JSON\n"
         "{\"apiVersion\":\"" +
         api_version + "\",\"kind\":\"ExecCredential\",\"status\":" + status_json +
         "}\n"
         "JSON\n";
}

// A plugin that prints `output` verbatim (quoted heredoc: no expansion), after `prelude`.
std::string fixed_plugin(const std::string& output, const std::string& prelude = "") {
  return "#!/bin/bash\n" + prelude + "cat <<'JSON'\n" + output + "\nJSON\n";
}

Result<RestConfig> load_exec(const TempDir& dir, const ExecUser& user,
                             std::chrono::milliseconds timeout = std::chrono::seconds(20),
                             bool stdin_is_terminal = false) {
  FakeEnv env;
  auto options = options_with(env, dir);
  options.exec_timeout = timeout;
  options.stdin_is_terminal = stdin_is_terminal;
  options.explicit_path = dir.write(
      "config",
      single_context(kServerOnly + "    certificate-authority-data: " + b64(kCaPem) + "\n",
                     user.yaml()));
  return load_rest_config(options);
}

int runs(const TempDir& dir) {
  const auto text = dir.read("count");
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

ExecUser counting_user(const TempDir& dir, const std::string& api_version,
                       const std::string& status_json) {
  ExecUser user;
  user.api_version = api_version;
  user.command = dir.write("plugin.sh", counting_plugin(api_version, status_json), true);
  user.args = {dir.str(), "--flag"};
  user.env = {{"COUNTER", dir.str("count")}, {"PLUGIN_SETTING", "from-kubeconfig"}};
  return user;
}

const std::string kOneHourToken =
    R"js({"token":"exec-SECRET-$n","expirationTimestamp":"$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)"})js";

}  // namespace

TEST_CASE("exec v1: token, KUBERNETES_EXEC_INFO, args, env, cached until expiry, refresh re-runs") {
  TempDir dir;
  auto config = load_exec(dir, counting_user(dir, kV1, kOneHourToken));
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->auth->describe() == std::string("exec plugin plugin.sh (") + kV1 + ")");
  CHECK(runs(dir) == 0);  // nothing runs at load time

  auto first = credentials_of(*config);
  CHECK(first.bearer_token == "exec-SECRET-1");
  CHECK(runs(dir) == 1);

  const auto info = json::parse(dir.read("exec-info.json"));
  CHECK(info["apiVersion"] == kV1);
  CHECK(info["kind"] == "ExecCredential");
  CHECK(info["spec"]["interactive"] == false);
  CHECK_FALSE(info["spec"].contains("cluster"));
  CHECK(dir.read("args.txt") == dir.str() + "\n--flag\n");
  CHECK(dir.read("env.txt") == "from-kubeconfig");

  // Unexpired: served from the cache.
  CHECK(credentials_of(*config).bearer_token == "exec-SECRET-1");
  CHECK(credentials_of(*config).bearer_token == "exec-SECRET-1");
  CHECK(runs(dir) == 1);

  // After a 401 the transport calls refresh(): the plugin runs again despite the cache.
  auto refreshed = config->auth->refresh(orka::CancelToken());
  REQUIRE_MESSAGE(refreshed.has_value(), refreshed.error().message);
  CHECK(refreshed->bearer_token == "exec-SECRET-2");
  CHECK(runs(dir) == 2);
  CHECK(credentials_of(*config).bearer_token == "exec-SECRET-2");
  CHECK(runs(dir) == 2);
}

TEST_CASE("exec: an expired credential makes every call run the plugin again") {
  TempDir dir;
  auto config = load_exec(
      dir,
      counting_user(dir, kV1,
                    R"({"token":"exec-SECRET-$n","expirationTimestamp":"2000-01-01T00:00:00Z"})"));
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(credentials_of(*config).bearer_token == "exec-SECRET-1");
  CHECK(credentials_of(*config).bearer_token == "exec-SECRET-2");
  CHECK(runs(dir) == 2);
  // A 401 for it can say why (the transport adds this to the error), without the token.
  const std::string note = config->auth->rejection_note();
  CHECK(note.find("gave a credential that had already expired (expirationTimestamp "
                  "2000-01-01T00:00:00Z)") != std::string::npos);
  CHECK(note.find("plugin.sh") != std::string::npos);
  CHECK(note.find("SECRET") == std::string::npos);
}

TEST_CASE("exec: an unexpired credential has nothing to add to a 401") {
  TempDir dir;
  auto config = load_exec(dir, counting_user(dir, kV1, kOneHourToken));
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(config->auth->rejection_note().empty());  // nothing given out yet
  credentials_of(*config);
  CHECK(config->auth->rejection_note().empty());
}

TEST_CASE("exec: without expirationTimestamp the credential is cached until refresh") {
  TempDir dir;
  auto config = load_exec(dir, counting_user(dir, kV1, R"({"token":"exec-SECRET-$n"})"));
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(credentials_of(*config).bearer_token == "exec-SECRET-1");
  CHECK(credentials_of(*config).bearer_token == "exec-SECRET-1");
  CHECK(runs(dir) == 1);
  REQUIRE(config->auth->refresh(orka::CancelToken()).has_value());
  CHECK(runs(dir) == 2);
}

TEST_CASE("exec v1beta1: client certificate from status; interactiveMode optional") {
  TempDir dir;
  const json status = {{"clientCertificateData", kCertPem}, {"clientKeyData", kKeyPem}};
  auto user = counting_user(dir, kV1beta1, status.dump());
  user.interactive_mode = "";  // v1beta1 defaults to IfAvailable
  auto config = load_exec(dir, user);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = credentials_of(*config);
  REQUIRE(credentials.client_certificate.has_value());
  CHECK(credentials.client_certificate->certificate_pem == kCertPem);
  CHECK(credentials.client_certificate->key_pem == kKeyPem);
  CHECK(credentials.bearer_token.empty());
  const auto info = json::parse(dir.read("exec-info.json"));
  CHECK(info["apiVersion"] == kV1beta1);
  CHECK(info["spec"]["interactive"] == false);  // IfAvailable, but stdin is no terminal
}

TEST_CASE("exec: the plugin's token overlays the kubeconfig's client certificate") {
  TempDir dir;
  auto user = counting_user(dir, kV1, kOneHourToken);
  user.extra_user_fields = "    client-certificate-data: " + b64(kCertPem) +
                           "\n    client-key-data: " + b64(kKeyPem) + "\n";
  auto config = load_exec(dir, user);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = credentials_of(*config);
  CHECK(credentials.bearer_token == "exec-SECRET-1");
  REQUIRE(credentials.client_certificate.has_value());
  CHECK(credentials.client_certificate->key_pem == kKeyPem);
}

TEST_CASE("exec: provideClusterInfo passes the cluster in KUBERNETES_EXEC_INFO") {
  TempDir dir;
  auto user = counting_user(dir, kV1, kOneHourToken);
  user.provide_cluster_info = true;
  auto config = load_exec(dir, user);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  credentials_of(*config);
  const auto info = json::parse(dir.read("exec-info.json"));
  CHECK(info["spec"]["cluster"]["server"] == "https://127.0.0.1:6443");
  CHECK(info["spec"]["cluster"]["certificate-authority-data"] == b64(kCaPem));
}

TEST_CASE("exec: interactiveMode with a terminal") {
  TempDir dir;
  SUBCASE("IfAvailable and a terminal: interactive") {
    auto user = counting_user(dir, kV1, kOneHourToken);
    user.interactive_mode = "IfAvailable";
    auto config = load_exec(dir, user, std::chrono::seconds(20), true);
    REQUIRE_MESSAGE(config.has_value(), config.error().message);
    credentials_of(*config);
    CHECK(json::parse(dir.read("exec-info.json"))["spec"]["interactive"] == true);
  }
  SUBCASE("Never, even with a terminal: not interactive") {
    auto config =
        load_exec(dir, counting_user(dir, kV1, kOneHourToken), std::chrono::seconds(20), true);
    REQUIRE_MESSAGE(config.has_value(), config.error().message);
    credentials_of(*config);
    CHECK(json::parse(dir.read("exec-info.json"))["spec"]["interactive"] == false);
  }
}

TEST_CASE("exec: a relative command resolves against the kubeconfig's directory") {
  TempDir dir;
  auto user = counting_user(dir, kV1, kOneHourToken);
  dir.write("bin/relative-plugin.sh", counting_plugin(kV1, kOneHourToken), true);
  user.command = "./bin/relative-plugin.sh";
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path("/");
  auto config = load_exec(dir, user);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = config->auth->credentials(orka::CancelToken());
  std::filesystem::current_path(previous);
  REQUIRE_MESSAGE(credentials.has_value(), credentials.error().message);
  CHECK(credentials->bearer_token == "exec-SECRET-1");
  CHECK(config->auth->describe().find("relative-plugin.sh") != std::string::npos);
}

TEST_CASE("exec: a failing plugin reports its exit code and stderr, never its stdout") {
  TempDir dir;
  ExecUser user;
  user.command = dir.write("fail.sh",
                           "#!/bin/bash\n"
                           "echo '{\"status\":{\"token\":\"stdout-SECRET-99\"}}'\n"
                           "echo 'error: login required, run: cloud auth login' >&2\n"
                           "exit 3\n",
                           true);
  auto config = load_exec(dir, user);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = config->auth->credentials(orka::CancelToken());
  REQUIRE_FALSE(credentials.has_value());
  const auto& error = credentials.error();
  CHECK(error.message.find("exit code 3") != std::string::npos);
  CHECK(error.message.find("login required, run: cloud auth login") != std::string::npos);
  CHECK(error.message.find("fail.sh") != std::string::npos);
  CHECK(error.message.find("user \"main\"") != std::string::npos);
  check_no_secret(error);
}

TEST_CASE("exec: tokens a failing plugin prints on stderr are masked in the quoted stderr") {
  TempDir dir;
  ExecUser user;
  // What real helpers print when they fail: the token they got, in several shapes.
  user.command = dir.write(
      "leaky.sh",
      "#!/bin/bash\n"
      "echo 'failing plugin token=ec32b1f0short' >&2\n"
      "echo 'also token=0123456789abcdef0123456789abcdef0123456789abcdef here' >&2\n"
      "echo '{\"access_token\": \"jsonSECRET1\", \"expires_in\": 3600}' >&2\n"
      "echo 'retrying with Authorization: Bearer bearerSECRET2' >&2\n"
      "echo 'cached eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlMTIz was rejected' >&2\n"
      "echo 'password: pw-SECRET3; see https://example.test/login for help' >&2\n"
      "exit 1\n",
      true);
  auto config = load_exec(dir, user);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = config->auth->credentials(orka::CancelToken());
  REQUIRE_FALSE(credentials.has_value());
  const std::string text = orka::describe(credentials.error());
  INFO(text);
  for (const char* secret : {"ec32b1f0short", "jsonSECRET1", "bearerSECRET2", "eyJhbGciOiJSUzI1NiJ9",
                             "c2lnbmF0dXJlMTIz", "pw-SECRET3", "0123456789abcdef0123"})
    CHECK(text.find(secret) == std::string::npos);
  // The rest of what the plugin said stays readable.
  CHECK(text.find("failing plugin token=<masked>") != std::string::npos);
  CHECK(text.find("also token=<masked> here") != std::string::npos);  // long: still named
  CHECK(text.find("\"expires_in\": 3600") != std::string::npos);
  CHECK(text.find("Bearer <masked>") != std::string::npos);
  CHECK(text.find("cached <masked> was rejected") != std::string::npos);
  CHECK(text.find("see https://example.test/login for help") != std::string::npos);
  CHECK(text.find("exit code 1") != std::string::npos);
}

TEST_CASE("exec: a long stderr is truncated in the message") {
  TempDir dir;
  ExecUser user;
  user.command = dir.write(
      "noisy.sh",
      "#!/bin/bash\nfor i in $(seq 1 2000); do printf 'noise%04d ' $i >&2; done\nexit 1\n", true);
  auto config = load_exec(dir, user);
  REQUIRE(config.has_value());
  auto credentials = config->auth->credentials(orka::CancelToken());
  REQUIRE_FALSE(credentials.has_value());
  CHECK(credentials.error().message.find("noise0001") != std::string::npos);
  CHECK(credentials.error().message.find("noise2000") == std::string::npos);
  CHECK(credentials.error().message.find("truncated") != std::string::npos);
  CHECK(credentials.error().message.size() < 2000);
}

TEST_CASE("exec: a missing command shows the installHint") {
  TempDir dir;
  ExecUser user;
  user.command = "orka-test-no-such-credential-plugin";
  user.install_hint = "install it with: apt-get install orka-test-plugin";
  auto config = load_exec(dir, user);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  auto credentials = config->auth->credentials(orka::CancelToken());
  REQUIRE_FALSE(credentials.has_value());
  CHECK(credentials.error().kind == orka::ErrorKind::NotFound);
  CHECK(credentials.error().message.find("orka-test-no-such-credential-plugin") !=
        std::string::npos);
  CHECK(credentials.error().message.find("PATH") != std::string::npos);
  CHECK(credentials.error().hint == user.install_hint);
  CHECK(orka::describe(credentials.error()).find("apt-get install orka-test-plugin") !=
        std::string::npos);

  SUBCASE("a missing path, too") {
    user.command = "./missing/plugin.sh";
    config = load_exec(dir, user);
    REQUIRE(config.has_value());
    credentials = config->auth->credentials(orka::CancelToken());
    REQUIRE_FALSE(credentials.has_value());
    CHECK(credentials.error().message.find(dir.str("missing/plugin.sh")) != std::string::npos);
    CHECK(credentials.error().hint == user.install_hint);
  }
}

TEST_CASE("exec: a plugin that hangs is killed at the timeout") {
  TempDir dir;
  ExecUser user;
  user.command = dir.write("hang.sh", "#!/bin/bash\nsleep 30\n", true);
  auto config = load_exec(dir, user, std::chrono::milliseconds(300));
  REQUIRE(config.has_value());
  const auto started = std::chrono::steady_clock::now();
  auto credentials = config->auth->credentials(orka::CancelToken());
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(credentials.has_value());
  CHECK(credentials.error().kind == orka::ErrorKind::Timeout);
  CHECK(credentials.error().message.find("hang.sh") != std::string::npos);
  CHECK(elapsed < std::chrono::seconds(5));
}

TEST_CASE("exec: cancellation stops the plugin") {
  TempDir dir;
  ExecUser user;
  user.command = dir.write("hang.sh", "#!/bin/bash\nsleep 30\n", true);
  auto config = load_exec(dir, user);
  REQUIRE(config.has_value());
  orka::CancelToken cancel;
  cancel.cancel();
  auto credentials = config->auth->credentials(cancel);
  REQUIRE_FALSE(credentials.has_value());
  CHECK(credentials.error().kind == orka::ErrorKind::Cancelled);
}

TEST_CASE("exec: malformed ExecCredential output is refused without quoting it") {
  TempDir dir;
  struct Case {
    std::string output;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"not json at all exec-SECRET-raw", "did not print a JSON object"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-SECRET-x")",
       "did not print a JSON object"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"exec-SECRET-x"}})",
       "returned apiVersion \"client.authentication.k8s.io/v1beta1\""},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Secret","status":{"token":"exec-SECRET-x"}})",
       "kind is not ExecCredential"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})", "no status"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})",
       "neither a token nor a client certificate"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"x"}})",
       "only one of clientCertificateData and clientKeyData"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-SECRET-x","expirationTimestamp":"tomorrow"}})",
       "not RFC 3339"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.expected);
    ExecUser user;
    user.command = dir.write("bad.sh", fixed_plugin(c.output), true);
    auto config = load_exec(dir, user);
    REQUIRE(config.has_value());
    auto credentials = config->auth->credentials(orka::CancelToken());
    REQUIRE_FALSE(credentials.has_value());
    CHECK(credentials.error().kind == orka::ErrorKind::Config);
    CHECK(credentials.error().message.find(c.expected) != std::string::npos);
    check_no_secret(credentials.error());
  }
}

TEST_CASE("exec configuration errors are found at load time") {
  TempDir dir;
  ExecUser user;
  user.command = dir.write("plugin.sh", fixed_plugin("{}"), true);
  SUBCASE("v1 requires interactiveMode") {
    user.interactive_mode = "";
    auto config = load_exec(dir, user);
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().kind == orka::ErrorKind::Config);
    CHECK(config.error().message.find("interactiveMode must be specified") != std::string::npos);
    CHECK(config.error().message.find("user \"main\"") != std::string::npos);
  }
  SUBCASE("Always needs a terminal") {
    user.interactive_mode = "Always";
    auto config = load_exec(dir, user, std::chrono::seconds(5), false);
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().message.find("not a terminal") != std::string::npos);
    CHECK(load_exec(dir, user, std::chrono::seconds(5), true).has_value());
  }
  SUBCASE("an unknown interactiveMode") {
    user.interactive_mode = "Sometimes";
    auto config = load_exec(dir, user);
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().message.find("invalid interactiveMode \"Sometimes\"") !=
          std::string::npos);
  }
  SUBCASE("an unsupported apiVersion") {
    user.api_version = "client.authentication.k8s.io/v1alpha1";
    auto config = load_exec(dir, user);
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().message.find("v1alpha1") != std::string::npos);
    CHECK(config.error().hint.find(kV1) != std::string::npos);
  }
  SUBCASE("no command") {
    user.command = "";
    auto config = load_exec(dir, user);
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().message.find("has no command") != std::string::npos);
  }
}
