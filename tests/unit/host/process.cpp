#include "process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

#include "test_paths.hpp"

extern char** environ;

namespace orka::testing {

namespace {
std::string temp_file(const char* tag) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / (std::string("orka-") + tag + "-XXXXXX")).string();
  int fd = mkstemp(pattern.data());
  REQUIRE(fd >= 0);
  close(fd);
  return pattern;
}
}  // namespace

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           const EnvChanges& env)
    : out_path_(temp_file("out")), err_path_(temp_file("err")) {
  // Everything the child needs is built before fork: after it only async-signal-safe calls.
  std::map<std::string, std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text = *entry;
    auto eq = text.find('=');
    if (eq != std::string::npos) merged[text.substr(0, eq)] = text.substr(eq + 1);
  }
  for (const auto& [name, value] : env) {
    if (value) merged[name] = *value;
    else merged.erase(name);
  }
  std::vector<std::string> env_strings;
  for (const auto& [name, value] : merged) env_strings.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& text : env_strings) envp.push_back(text.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& text : argv_strings) argv.push_back(text.data());
  argv.push_back(nullptr);

  int out_fd = open(out_path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  int err_fd = open(err_path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(out_fd >= 0);
  REQUIRE(err_fd >= 0);
  REQUIRE(in_fd >= 0);

  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    // The child starts with default signal handling and nothing blocked.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  close(in_fd);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove(out_path_, ec);
  std::filesystem::remove(err_path_, ec);
}

std::string ChildProcess::read_file(const std::string& path) const {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool ChildProcess::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (read_file(out_path_).find(text) != std::string::npos) return true;
    int status = 0;
    if (!status_ && waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
    if (status_) return read_file(out_path_).find(text) != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void ChildProcess::send_signal(int signal_number) { REQUIRE(kill(pid_, signal_number) == 0); }

ProcessResult ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!status_) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = status;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      status_ = status;
      return {-1, SIGKILL, read_file(out_path_), read_file(err_path_)};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ProcessResult result;
  if (WIFEXITED(*status_)) result.exit_code = WEXITSTATUS(*status_);
  else if (WIFSIGNALED(*status_)) result.killed_by = WTERMSIG(*status_);
  result.out = read_file(out_path_);
  result.err = read_file(err_path_);
  return result;
}

EnvChanges isolated_env(const std::string& home) {
  return {{"HOME", home},
          {"KUBECONFIG", std::nullopt},
          {"ORKA_PLUGIN_PATH", std::nullopt},
          {"KUBERNETES_SERVICE_HOST", std::nullopt},
          {"KUBERNETES_SERVICE_PORT", std::nullopt},
          // orka's own settings: none from the user running the tests
          {"XDG_CONFIG_HOME", std::nullopt},
          {"ORKA_CONFIG", std::nullopt},
          {"ORKA_NAMESPACE", std::nullopt},
          {"ORKA_CONTEXT", std::nullopt},
          {"ORKA_COLOUR", std::nullopt},
          {"ORKA_COLOR", std::nullopt},
          {"ORKA_TRANSPORT", std::nullopt},
          {"ORKA_MAX_STREAMS", std::nullopt},
          {"ORKA_KEEPALIVE", std::nullopt}};
}

ProcessResult run_orka(const std::vector<std::string>& args, const EnvChanges& env) {
  ChildProcess child(orka_binary(), args, env);
  return child.wait();
}

}  // namespace orka::testing
