// Ctrl-C handling for the CLI. SIGINT and SIGTERM are blocked in every thread and received by
// one dedicated thread (sigwait), so no code runs in signal-handler context: the first signal
// cancels the running command's CancelToken; a second one restores the terminal and exits 130
// at once, for an op that does not stop.
#pragma once

#include <signal.h>
#include <termios.h>

#include <atomic>
#include <optional>
#include <thread>

#include "orka/cancel.hpp"

namespace orka::cli {

class SignalCanceller {
 public:
  // Must run before any other thread starts: threads inherit the blocked signal mask.
  SignalCanceller();
  ~SignalCanceller();
  SignalCanceller(const SignalCanceller&) = delete;
  SignalCanceller& operator=(const SignalCanceller&) = delete;

  const CancelToken& token() const { return token_; }
  // True once SIGINT or SIGTERM arrived.
  bool interrupted() const { return interrupted_.load(); }

 private:
  void wait_for_signals();

  sigset_t signals_{};
  CancelToken token_;
  std::atomic<bool> interrupted_{false};
  std::atomic<bool> stopping_{false};
  std::optional<termios> saved_terminal_;
  std::thread canceller_;  // runs token_.cancel(), so a slow callback cannot delay signal two
  std::thread waiter_;
};

}  // namespace orka::cli
