#include "terminal.hpp"

#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace orka::streaming {
namespace {

int g_winch_pipe[2] = {-1, -1};

void on_winch(int) {
  const int saved = errno;
  const char byte = 1;
  [[maybe_unused]] auto n = ::write(g_winch_pipe[1], &byte, 1);
  errno = saved;
}

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) fds[0] = fds[1] = -1;
}

}  // namespace

RawTerminal::RawTerminal(int fd) : fd_(fd) {
  if (::tcgetattr(fd_, &saved_) != 0) return;
  termios raw = saved_;
  ::cfmakeraw(&raw);
  if (::tcsetattr(fd_, TCSANOW, &raw) == 0) active_ = true;
}

RawTerminal::~RawTerminal() { restore(); }

void RawTerminal::restore() {
  if (!active_) return;
  ::tcsetattr(fd_, TCSANOW, &saved_);
  active_ = false;
}

std::optional<TerminalSize> terminal_size(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0 || size.ws_row == 0) return std::nullopt;
  return TerminalSize{size.ws_col, size.ws_row};
}

WindowChangeSignal::WindowChangeSignal() {
  make_pipe(g_winch_pipe);
  if (g_winch_pipe[0] < 0) return;
  struct ::sigaction action {};
  action.sa_handler = on_winch;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  installed_ = ::sigaction(SIGWINCH, &action, &previous_) == 0;
}

WindowChangeSignal::~WindowChangeSignal() {
  if (installed_) ::sigaction(SIGWINCH, &previous_, nullptr);
  for (int& fd : g_winch_pipe) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

int WindowChangeSignal::fd() const { return g_winch_pipe[0]; }

void WindowChangeSignal::drain() {
  char buffer[64];
  while (g_winch_pipe[0] >= 0 && ::read(g_winch_pipe[0], buffer, sizeof buffer) > 0) {
  }
}

WakePipe::WakePipe() { make_pipe(fds_); }

WakePipe::~WakePipe() {
  for (int fd : fds_)
    if (fd >= 0) ::close(fd);
}

void WakePipe::wake() {
  const char byte = 1;
  if (fds_[1] >= 0) {
    [[maybe_unused]] auto n = ::write(fds_[1], &byte, 1);
  }
}

}  // namespace orka::streaming
