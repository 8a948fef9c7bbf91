#include "signal_canceller.hpp"

#include <pthread.h>
#include <unistd.h>

namespace orka::cli {

SignalCanceller::SignalCanceller() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  termios terminal{};
  if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &terminal) == 0) saved_terminal_ = terminal;
  waiter_ = std::thread([this] { wait_for_signals(); });
}

SignalCanceller::~SignalCanceller() {
  stopping_ = true;
  // Wakes the waiter with a signal aimed at that thread alone; it sees stopping_ and returns.
  pthread_kill(waiter_.native_handle(), SIGTERM);
  waiter_.join();
  if (canceller_.joinable()) canceller_.join();
}

void SignalCanceller::wait_for_signals() {
  for (;;) {
    int signal_number = 0;
    if (sigwait(&signals_, &signal_number) != 0) continue;
    if (stopping_) return;
    if (!interrupted_.exchange(true)) {
      canceller_ = std::thread([token = token_] { token.cancel(); });
      continue;
    }
    // Second signal: the op did not stop in time. Leave the terminal usable and go.
    if (saved_terminal_) tcsetattr(STDIN_FILENO, TCSANOW, &*saved_terminal_);
    _exit(130);
  }
}

}  // namespace orka::cli
