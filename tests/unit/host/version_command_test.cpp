// `orka version [--server] [--json]`: the arguments, what it reports `auto` picks (the ops'
// own rules, per server version), and the binary against servers that cannot answer.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "orka/host.hpp"
#include "orka/transport_choice.hpp"
#include "process.hpp"
#include "test_paths.hpp"
#include "version_command.hpp"

using namespace orka;
using orka::cli::auto_choices;
using orka::cli::describe_choice;
using orka::testing::TempDir;

namespace {

ServerVersion server(int minor) {
  return ServerVersion{1, minor, "v1." + std::to_string(minor) + ".3"};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A kubeconfig whose one context points at 127.0.0.1:PORT with a token.
std::string write_kubeconfig(const TempDir& dir, int port) {
  const std::string path = dir.str() + "/kubeconfig";
  std::ofstream(path) << "apiVersion: v1\nkind: Config\ncurrent-context: here\n"
                         "clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:"
                      << port
                      << "\n    insecure-skip-tls-verify: true\n"
                         "users:\n- name: u\n  user:\n    token: do-not-print-me\n"
                         "contexts:\n- name: here\n  context:\n    cluster: c\n    user: u\n";
  return path;
}

// A port on loopback that refuses connections: bound, never listened on, held while in use.
struct RefusingPort {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  RefusingPort() { port = bind_loopback(fd); }
  ~RefusingPort() { close(fd); }
  static int bind_loopback(int fd) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t size = sizeof address;
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    return ntohs(address.sin_port);
  }
};

// A port that accepts TCP connections (the kernel's backlog) and never says a word.
struct SilentPort : RefusingPort {
  SilentPort() { REQUIRE(listen(fd, 8) == 0); }
};

// The orka binary, its kubeconfig pointing at 127.0.0.1:port, nothing else of the user's.
orka::testing::ProcessResult run_against(int port, const std::vector<std::string>& args) {
  TempDir home;
  auto env = orka::testing::isolated_env(home.str());
  env["KUBECONFIG"] = write_kubeconfig(home, port);
  return orka::testing::run_orka(args, env);
}

}  // namespace

TEST_CASE("orka version arguments: --server and --json, anything else a usage error") {
  auto plain = cli::parse_version_args({"version"});
  REQUIRE(plain);
  CHECK_FALSE(plain->server);
  CHECK_FALSE(plain->json);
  auto both = cli::parse_version_args({"version", "--json", "--server"});
  REQUIRE(both);
  CHECK(both->server);
  CHECK(both->json);
  auto stray = cli::parse_version_args({"version", "--sever"});
  REQUIRE_FALSE(stray);
  CHECK(stray.error().kind == ErrorKind::Usage);
  CHECK(contains(stray.error().message, "--sever"));
}

TEST_CASE("auto's picks are the ops' own plans for exec with and without stdin and for pf") {
  for (int minor : {20, 29, 30, 31, 33}) {
    CAPTURE(minor);
    const auto choices = auto_choices(server(minor));
    REQUIRE(choices.size() == 3);
    CHECK(choices[0].key == "exec_stdin");
    CHECK(choices[1].key == "exec");
    CHECK(choices[2].key == "pf");
    const auto exec_stdin = plan_exec_transport(StreamTransport::Auto, server(minor), true);
    const auto exec = plan_exec_transport(StreamTransport::Auto, server(minor), false);
    const auto pf = plan_forward_transport(StreamTransport::Auto, server(minor));
    CHECK(describe(choices[0].plan) == describe(exec_stdin));
    CHECK(describe(choices[1].plan) == describe(exec));
    CHECK(describe(choices[2].plan) == describe(pf));
  }
}

TEST_CASE("the lines name the first form, its subprotocols, the fallbacks and why") {
  SUBCASE("1.20: exec -i over SPDY v4, exec output over WebSocket, pf over SPDY") {
    const auto choices = auto_choices(server(20));
    const std::string exec_stdin = describe_choice(choices[0]);
    CHECK(exec_stdin.starts_with("exec -i: auto → SPDY/3.1 (v4.channel.k8s.io); if refused: WebSocket — "));
    CHECK(contains(exec_stdin, "v1.20.3"));
    CHECK(describe_choice(choices[1]).starts_with("exec: auto → WebSocket (v5.channel.k8s.io, v4.channel.k8s.io"));
    CHECK(describe_choice(choices[2]).starts_with("pf: auto → SPDY/3.1 (portforward.k8s.io); if refused: WebSocket — "));
  }
  SUBCASE("1.31: exec -i over WebSocket v5 only, pf tunnelled, two fallbacks") {
    const auto choices = auto_choices(server(31));
    CHECK(describe_choice(choices[0]).starts_with("exec -i: auto → WebSocket (v5.channel.k8s.io); if refused: SPDY/3.1 — "));
    CHECK(describe_choice(choices[2]).starts_with(
        "pf: auto → SPDY/3.1 over WebSocket (portforward.k8s.io); if refused: SPDY/3.1, then WebSocket — "));
  }
}

TEST_CASE("orka version --server --json: one object with client, server and the picks") {
  const auto report = cli::server_version_json(server(20), "https://127.0.0.1:6443");
  CHECK(report["client"]["version"] == version_string());
  CHECK(report["server"]["url"] == "https://127.0.0.1:6443");
  CHECK(report["server"]["git_version"] == "v1.20.3");
  CHECK(report["server"]["minor"] == 20);
  REQUIRE(report["auto"]["exec_stdin"]["attempts"].size() == 2);
  CHECK(report["auto"]["exec_stdin"]["attempts"][0]["wire"] == "SPDY/3.1");
  CHECK(report["auto"]["exec_stdin"]["attempts"][0]["protocols"] ==
        nlohmann::json::array({"v4.channel.k8s.io"}));
  CHECK(report["auto"]["exec"]["attempts"][0]["wire"] == "WebSocket");
  CHECK(report["auto"]["pf"]["attempts"][0]["wire"] == "SPDY/3.1");
  CHECK_FALSE(report["auto"]["pf"]["reason"].get<std::string>().empty());
}

TEST_CASE("orka version --server against a server that refuses: exit 1, what failed, what to check") {
  RefusingPort refusing;
  auto result = run_against(refusing.port, {"version", "--server"});
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK(contains(result.err, "cannot get the version of the API server at https://127.0.0.1:" +
                                 std::to_string(refusing.port)));
  CHECK(contains(result.err, "hint: check that the API server"));
  CHECK_FALSE(contains(result.err, "do-not-print-me"));
}

TEST_CASE("orka version --server against a server that never answers ends by its own timeout") {
  SilentPort silent;
  auto result = run_against(silent.port, {"version", "--server", "--json", "-v"});
  // -1 would be the harness killing a hung orka after 20 s; orka's bounds are 10 s each.
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());  // no half object on stdout
  CHECK(contains(result.err, "cannot get the version of the API server"));
  CHECK_FALSE(contains(result.err, "do-not-print-me"));
}

TEST_CASE("orka version without --server asks no server and --json prints the client only") {
  RefusingPort refusing;
  auto result = run_against(refusing.port, {"version", "--json"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  auto report = nlohmann::json::parse(result.out);
  CHECK(report["client"]["version"] == version_string());
  CHECK_FALSE(report.contains("server"));
}
