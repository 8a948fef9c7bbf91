// A live status line on a terminal; plain, deduplicated lines elsewhere (CI logs, pipes).
#include "orka/output.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(std::string_view message) {
  std::lock_guard lock(mutex_);
  if (live_ && message == last_) return;
  if (!tty_ && message == last_) return;
  last_.assign(message);
  if (tty_) {
    out_ << "\r\x1b[2K" << message;  // back to column 0, erase the line, rewrite
    live_ = true;
  } else {
    out_ << message << '\n';
  }
  out_.flush();
}

void ProgressLine::finish() {
  std::lock_guard lock(mutex_);
  if (tty_ && live_) {
    out_ << '\n';
    out_.flush();
  }
  live_ = false;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
