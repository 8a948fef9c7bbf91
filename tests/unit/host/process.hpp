// Runs the built `orka` binary as a child process with captured stdout/stderr, for tests of
// the command line as a user sees it (exit codes, signals).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orka::testing {

struct ProcessResult {
  int exit_code = -1;     // -1 unless the process exited on its own
  int killed_by = 0;      // the signal number when a signal ended it
  std::string out;
  std::string err;
};

using EnvChanges = std::map<std::string, std::optional<std::string>>;  // nullopt: unset

class ChildProcess {
 public:
  // Starts `program args...` with the environment changed by `env`.
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const EnvChanges& env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Waits until stdout contains `text`; false on timeout or if the process ended first.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout);
  void send_signal(int signal_number);
  // Waits for the exit; kills the process and reports exit_code -1 on timeout.
  ProcessResult wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));

 private:
  std::string read_file(const std::string& path) const;
  pid_t pid_ = -1;
  std::string out_path_;
  std::string err_path_;
  std::optional<int> status_;
};

// An environment that cannot reach a real cluster or user config: HOME is a scratch dir,
// KUBECONFIG, ORKA_PLUGIN_PATH and orka's settings variables (config file, namespace, ...) are
// unset.
EnvChanges isolated_env(const std::string& home);

ProcessResult run_orka(const std::vector<std::string>& args, const EnvChanges& env);

}  // namespace orka::testing
