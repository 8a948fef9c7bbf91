// The exec op: options, output chunks and the remote status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "orka/cancel.hpp"
#include "orka/ops/common.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

enum class ExecChannel : std::uint8_t { Stdout = 1, Stderr = 2 };

struct ExecChunk {
  ExecChannel channel = ExecChannel::Stdout;
  std::string data;
};

struct TerminalSize {
  std::uint16_t columns = 80;
  std::uint16_t rows = 24;
};

struct ExecOptions {
  bool stdin = false;
  bool tty = false;
  std::optional<TerminalSize> initial_size;  // sent before any input when tty
  StreamTransport transport = StreamTransport::Auto;
  // Cancelling it abandons connecting (TLS, the upgrade handshake) as well as the running
  // session: exec() itself may wait for the server, so DuplexStream::cancel() comes too late.
  CancelToken cancel;
};

struct ExecStatus {
  int exit_code = 0;    // the remote command's exit code
  std::string message;  // the status channel's message when it failed
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
