// The real orka binary (ORKA_BIN) against hostile loopback servers: the FIRST SIGINT must end
// an op that hangs in a handshake within a second, with exit code 130.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "loopback_server.hpp"
#include "test_pki.hpp"
#include "util/base64.hpp"

extern char** environ;

using namespace orka;
using namespace std::chrono_literals;
using namespace orka::testing;

namespace {

using Clock = std::chrono::steady_clock;

std::string write_kubeconfig(const std::string& server, const std::string& ca_pem) {
  char path[] = "/tmp/orka-cancel-kubeconfig-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream out(path);
  out << "apiVersion: v1\nkind: Config\ncurrent-context: hostile\n"
      << "clusters:\n- name: hostile\n  cluster:\n    server: " << server
      << "\n    certificate-authority-data: " << core::encode_base64(ca_pem) << "\n"
      << "users:\n- name: u\n  user:\n    token: not-a-real-token\n"
      << "contexts:\n- name: hostile\n  context:\n    cluster: hostile\n    user: u\n"
      << "    namespace: web\n";
  return path;
}

struct Child {
  pid_t pid = -1;
  Child() = default;
  Child(Child&& other) noexcept : pid(std::exchange(other.pid, -1)) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  // The exit status once the child ended, or -1 when it still runs after `limit`.
  int wait_for(std::chrono::milliseconds limit) {
    const auto until = Clock::now() + limit;
    for (;;) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (Clock::now() >= until) return -1;
      std::this_thread::sleep_for(10ms);
    }
  }
};

Child run_orka(const std::vector<std::string>& args) {
  const char* bin = std::getenv("ORKA_BIN");
  REQUIRE_MESSAGE(bin != nullptr, "ORKA_BIN names the orka executable (set by meson)");
  std::vector<std::string> all{bin};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : all) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  Child child;
  REQUIRE(posix_spawn(&child.pid, bin, &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  return child;
}

template <class Ready>
void wait_until(Ready ready) {
  const auto until = Clock::now() + 10s;
  while (!ready() && Clock::now() < until) std::this_thread::sleep_for(10ms);
  REQUIRE(ready());
}

const char* kPod =
    R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"web"},)"
    R"("spec":{"containers":[{"name":"c","image":"busybox"}]},"status":{"phase":"Running"}})";

}  // namespace

TEST_CASE("the first SIGINT ends exec hung in a SPDY upgrade the server never answers: exit 130") {
  TestPki pki;
  Pem localhost = pki.server("kube-apiserver", {"DNS:localhost", "IP:127.0.0.1"});
  std::atomic<int> upgrades{0};
  LoopbackServer server({localhost.certificate, localhost.key, ""},
                        [&](const ServerRequest& request, ServerConnection& connection) {
                          if (request.method == "GET") {
                            connection.write(http_response(
                                200, "OK", {{"Content-Type", "application/json"}}, kPod));
                            return;
                          }
                          ++upgrades;  // TLS is up; now say nothing
                          server.wait_until_stopped(60s);
                        });
  const std::string kubeconfig = write_kubeconfig(server.url(), pki.ca_pem());
  for (int signal_number : {SIGINT, SIGTERM}) {
    CAPTURE(signal_number);
    const int before = upgrades.load();
    Child orka = run_orka({"--kubeconfig", kubeconfig, "ops", "exec", "p", "--transport", "spdy",
                           "--", "true"});
    wait_until([&] { return upgrades.load() > before; });
    std::this_thread::sleep_for(200ms);  // well inside the read of the answer
    const auto signalled = Clock::now();
    ::kill(orka.pid, signal_number);
    const int status = orka.wait_for(2s);
    const auto took = Clock::now() - signalled;
    CHECK(status == 130);
    CHECK(took < 1s);
  }
  ::unlink(kubeconfig.c_str());
}

TEST_CASE("the first SIGINT ends an op hung in a TLS handshake the server never answers") {
  TestPki pki;
  // A plain-TCP listener that waits for a request line a TLS ClientHello never completes.
  LoopbackServer silent({}, [](const ServerRequest&, ServerConnection&) {});
  const std::string kubeconfig =
      write_kubeconfig("https://127.0.0.1:" + std::to_string(silent.port()), pki.ca_pem());
  Child orka = run_orka({"--kubeconfig", kubeconfig, "ops", "exec", "p", "--transport", "spdy",
                         "--", "true"});
  wait_until([&] { return silent.connections_accepted() > 0; });
  std::this_thread::sleep_for(200ms);
  const auto signalled = Clock::now();
  ::kill(orka.pid, SIGINT);
  const int status = orka.wait_for(2s);
  CHECK(status == 130);
  CHECK(Clock::now() - signalled < 1s);
  ::unlink(kubeconfig.c_str());
}
