#include "kubeconfig/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace orka::core {
namespace {

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    reset(other.release());
    return *this;
  }
  ~FileDescriptor() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  FileDescriptor read;
  FileDescriptor write;
};

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return fail(ErrorKind::Internal, fmt::format("pipe() failed: {}", std::strerror(errno)));
  return Pipe{FileDescriptor(fds[0]), FileDescriptor(fds[1])};
}

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

// Everything allocated before fork(): between fork and exec only async-signal-safe calls.
struct ExecArguments {
  std::vector<char*> argv;
  std::vector<char*> envp;
};

ExecArguments prepare_arguments(const ChildProcessSpec& spec) {
  ExecArguments args;
  for (const auto& arg : spec.argv) args.argv.push_back(const_cast<char*>(arg.c_str()));
  args.argv.push_back(nullptr);
  for (const auto& entry : spec.environment) args.envp.push_back(const_cast<char*>(entry.c_str()));
  args.envp.push_back(nullptr);
  return args;
}

[[noreturn]] void exec_in_child(const ChildProcessSpec& spec, const ExecArguments& args,
                                int stdin_fd, int stdout_fd, int stderr_fd, int report_fd) {
  // The host may block or ignore signals (a signal-handling thread, SIGPIPE); the plugin
  // must start with defaults.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  // Its own process group, so a timeout kills helpers it started too. Not when interactive:
  // the plugin must stay in the terminal's foreground group to read from it.
  if (!spec.inherit_stdin) ::setpgid(0, 0);
  if (stdin_fd >= 0) ::dup2(stdin_fd, STDIN_FILENO);
  ::dup2(stdout_fd, STDOUT_FILENO);
  if (stderr_fd >= 0) ::dup2(stderr_fd, STDERR_FILENO);
  // Descriptors another thread opened without O_CLOEXEC must not leak into the plugin.
  if (report_fd > 3) ::close_range(3, static_cast<unsigned>(report_fd - 1), 0);
  ::close_range(static_cast<unsigned>(report_fd + 1), ~0U, 0);
  ::execve(spec.executable.c_str(), args.argv.data(), args.envp.data());
  const int error = errno;
  [[maybe_unused]] auto written = ::write(report_fd, &error, sizeof error);
  ::_exit(127);
}

void kill_child(pid_t pid, bool own_group) {
  if (own_group) ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

std::optional<std::string> find_executable(const std::string& command,
                                           const std::string& path_list) {
  if (command.empty()) return std::nullopt;
  if (command.find('/') != std::string::npos)
    return is_executable_file(command) ? std::optional(command) : std::nullopt;
  std::size_t start = 0;
  while (start <= path_list.size()) {
    const auto end = std::min(path_list.find(':', start), path_list.size());
    // POSIX: an empty PATH entry is the current directory.
    std::string candidate = end > start ? path_list.substr(start, end - start) : std::string(".");
    candidate.push_back('/');
    candidate.append(command);
    if (is_executable_file(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

Result<ChildProcessResult> run_child_process(const ChildProcessSpec& spec,
                                             const CancelToken& cancel) {
  auto out = make_pipe();
  if (!out) return fail(out.error());
  auto err = make_pipe();
  if (!err) return fail(err.error());
  auto report = make_pipe();
  if (!report) return fail(report.error());
  FileDescriptor dev_null;
  if (!spec.inherit_stdin) {
    dev_null.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (dev_null.get() < 0)
      return fail(ErrorKind::Internal,
                  fmt::format("cannot open /dev/null: {}", std::strerror(errno)));
  }
  const ExecArguments args = prepare_arguments(spec);

  const pid_t pid = ::fork();
  if (pid < 0)
    return fail(ErrorKind::Internal, fmt::format("fork() failed: {}", std::strerror(errno)));
  if (pid == 0)
    exec_in_child(spec, args, dev_null.get(), out->write.get(),
                  spec.inherit_stderr ? -1 : err->write.get(), report->write.get());

  const bool own_group = !spec.inherit_stdin;
  out->write.reset();
  err->write.reset();
  report->write.reset();
  if (spec.inherit_stderr) err->read.reset();

  // execve failed: the child wrote errno before exiting; a successful exec closes the pipe.
  int exec_errno = 0;
  ssize_t got;
  while ((got = ::read(report->read.get(), &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    reap(pid);
    return fail(exec_errno == ENOENT ? ErrorKind::NotFound : ErrorKind::Config,
                fmt::format("cannot run {}: {}", spec.executable, std::strerror(exec_errno)));
  }

  ChildProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + spec.timeout;
  std::vector<pollfd> watched;
  if (out->read.get() >= 0) watched.push_back({out->read.get(), POLLIN, 0});
  if (err->read.get() >= 0) watched.push_back({err->read.get(), POLLIN, 0});
  char buffer[8192];
  std::optional<Error> failure;
  while (!watched.empty()) {
    if (cancel.cancelled()) {
      failure = make_error(ErrorKind::Cancelled, fmt::format("{} was cancelled", spec.executable));
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      failure = make_error(ErrorKind::Timeout,
                           fmt::format("{} did not finish within {} ms and was killed",
                                       spec.executable, spec.timeout.count()));
      break;
    }
    // Short slices so cancellation is noticed promptly without a wake-up pipe.
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    const int slice = static_cast<int>(std::min<long long>(remaining + 1, 100));
    const int ready = ::poll(watched.data(), watched.size(), slice);
    if (ready < 0) {
      if (errno == EINTR) continue;
      failure =
          make_error(ErrorKind::Internal, fmt::format("poll() failed: {}", std::strerror(errno)));
      break;
    }
    for (auto it = watched.begin(); it != watched.end();) {
      if (it->revents == 0) {
        ++it;
        continue;
      }
      const ssize_t n = ::read(it->fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        ++it;
        continue;
      }
      if (n <= 0) {
        it = watched.erase(it);
        continue;
      }
      if (it->fd == out->read.get()) {
        result.stdout_data.append(buffer, static_cast<std::size_t>(n));
        if (result.stdout_data.size() > spec.max_stdout_bytes) {
          failure = make_error(ErrorKind::Invalid,
                               fmt::format("{} wrote more than {} bytes to stdout and was killed",
                                           spec.executable, spec.max_stdout_bytes));
          break;
        }
      } else {
        const std::size_t room =
            spec.max_stderr_bytes - std::min(spec.max_stderr_bytes, result.stderr_data.size());
        result.stderr_data.append(buffer, std::min(room, static_cast<std::size_t>(n)));
        if (static_cast<std::size_t>(n) > room) result.stderr_truncated = true;
      }
      it->revents = 0;
      ++it;
    }
    if (failure) break;
  }

  if (failure) {
    kill_child(pid, own_group);
    reap(pid);
    return fail(std::move(*failure));
  }

  // Both pipes are closed; the child is exiting (or detached its output). Wait, within the
  // deadline.
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (cancel.cancelled() || std::chrono::steady_clock::now() >= deadline) {
      kill_child(pid, own_group);
      reap(pid);
      if (cancel.cancelled())
        return fail(ErrorKind::Cancelled, fmt::format("{} was cancelled", spec.executable));
      return fail(ErrorKind::Timeout, fmt::format("{} did not exit within {} ms and was killed",
                                                  spec.executable, spec.timeout.count()));
    }
    ::usleep(5000);
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace orka::core
