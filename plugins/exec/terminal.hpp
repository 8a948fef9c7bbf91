// The local terminal during `exec -t`: raw mode that is always undone, the window size, and
// SIGWINCH turned into something a poll() loop can wait on.
#pragma once

#include <optional>

#include <signal.h>
#include <termios.h>

#include "orka/ops.hpp"

namespace orka::streaming {

// Puts `fd` in raw mode; the destructor restores the saved settings (normal return, error,
// exception unwinding, remote close). Ctrl-C then reaches the remote program as a byte.
class RawTerminal {
 public:
  explicit RawTerminal(int fd);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  bool active() const { return active_; }
  void restore();

 private:
  int fd_;
  bool active_ = false;
  termios saved_{};
};

std::optional<TerminalSize> terminal_size(int fd);

// While alive, SIGWINCH makes fd() readable (one byte per signal); the previous handler is
// put back on destruction. One instance at a time.
class WindowChangeSignal {
 public:
  WindowChangeSignal();
  ~WindowChangeSignal();
  WindowChangeSignal(const WindowChangeSignal&) = delete;
  WindowChangeSignal& operator=(const WindowChangeSignal&) = delete;
  int fd() const;
  void drain();  // consumes pending notifications

 private:
  struct ::sigaction previous_ {};
  bool installed_ = false;
};

// A pipe to wake a poll() loop from another thread.
class WakePipe {
 public:
  WakePipe();
  ~WakePipe();
  WakePipe(const WakePipe&) = delete;
  WakePipe& operator=(const WakePipe&) = delete;
  int read_fd() const { return fds_[0]; }
  void wake();

 private:
  int fds_[2] = {-1, -1};
};

}  // namespace orka::streaming
