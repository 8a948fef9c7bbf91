// Runs one helper program (an exec credential plugin) with fork/execve and pipes: no shell,
// a deadline, cancellation, bounded output.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/error.hpp"

namespace orka::core {

struct ChildProcessSpec {
  std::string executable;                // an absolute or relative file path, not looked up
  std::vector<std::string> argv;         // argv[0] first
  std::vector<std::string> environment;  // "NAME=value" entries, the child's whole environment
  bool inherit_stdin = false;            // else /dev/null
  bool inherit_stderr = false;           // else captured
  std::chrono::milliseconds timeout{60000};
  std::size_t max_stdout_bytes = 1 << 20;
  std::size_t max_stderr_bytes = 16 << 10;  // the rest is read and dropped
};

struct ChildProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string stdout_data;  // may hold secrets: never put it into messages
  std::string stderr_data;
  bool stderr_truncated = false;
};

// Errors: NotFound/Config when the program cannot be started (the message carries strerror),
// Timeout after `timeout` (the child and its process group are killed), Cancelled, and
// Invalid when stdout exceeds its limit. A non-zero exit is a result, not an error.
Result<ChildProcessResult> run_child_process(const ChildProcessSpec& spec,
                                             const CancelToken& cancel);

// PATH lookup like execvp's, over `path_list` (colon separated); a command containing '/'
// is returned as is if it exists. nullopt when there is no executable file of that name.
std::optional<std::string> find_executable(const std::string& command,
                                           const std::string& path_list);

}  // namespace orka::core
