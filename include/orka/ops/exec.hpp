// The exec op: options, output chunks and the remote status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <functional>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/op.hpp"
#include "orka/ops/common.hpp"
#include "orka/stream.hpp"

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

// Where the command runs, as the op resolved it.
struct ExecTarget {
  std::string pod;
  std::string container;
  bool container_defaulted = false;     // none was named: the pod's default container
  std::vector<std::string> containers;  // every container of the pod, in spec order
};

struct ExecOptions {
  bool stdin = false;
  bool tty = false;
  std::optional<TerminalSize> initial_size;  // sent before any input when tty
  StreamTransport transport = StreamTransport::Auto;
  // Cancelling it abandons connecting (TLS, the upgrade handshake) as well as the running
  // session: exec() itself may wait for the server, so DuplexStream::cancel() comes too late.
  CancelToken cancel;
  // Called once, on the caller's thread, when the pod and container are chosen (before
  // connecting): the CLI says which container it defaulted to. Must not throw.
  std::function<void(const ExecTarget&)> on_target;
};

struct ExecStatus {
  int exit_code = 0;    // the remote command's exit code
  std::string message;  // the status channel's message when it failed
};

struct ExecRequest {
  std::string namespace_;  // empty: the default namespace
  std::string target;      // "web-0", "pod/web-0", "deploy/web", "sts/db", ... (no services)
  std::string container;   // empty: the pod's default container
  std::vector<std::string> command;
  ExecOptions options;
};

// Runs a command in a container: output chunks out; stdin, resize and close in; the remote
// exit status as the outcome. A workload target runs in one of its ready pods (the oldest).
// Connecting happens before run() returns (its failure is the stream's error).
// Invalid fields: target (empty or a service), command (empty).
struct ExecOp : TypedOp<ExecRequest, DuplexStream<ExecChunk, ExecStatus>> {
  static constexpr OpId kId{"exec", 1};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
