// exec over SPDY/3.1 (v4.channel.k8s.io): one stream per channel on a MuxConnection, as kubectl
// does it on every Kubernetes version. Unlike v4 WebSockets, stdin can end: a FIN on its stream.
#pragma once

#include <memory>

#include "orka/multiplex.hpp"
#include "orka/ops.hpp"

namespace orka::streaming {

struct SpdyExecStreams {
  std::shared_ptr<MuxStream> error;   // server → client: one metav1.Status JSON, then FIN
  std::shared_ptr<MuxStream> input;   // stdin; only when ExecOptions::stdin
  std::shared_ptr<MuxStream> output;  // stdout
  std::shared_ptr<MuxStream> errors;  // stderr; only without a TTY (the kubelet merges it)
  std::shared_ptr<MuxStream> resize;  // {"Width":W,"Height":H} per write; only with a TTY
};

// Opens the streams in kubectl's order (error, stdin, stdout, stderr, resize), each once the
// server accepted the previous one. Resets what was opened when one of them fails.
Result<SpdyExecStreams> open_exec_streams(MuxConnection& connection, const ExecOptions& options);

// Reads stdout and stderr on threads of their own (a stream nobody reads stalls the whole
// connection) into `out`, and the error stream on the calling thread; returns the remote status
// once all three ended. A FIN without a Status on the error stream means success.
Result<ExecStatus> pump_spdy_exec_output(const SpdyExecStreams& streams, StreamWriter<ExecChunk>& out);

// Opens the streams, sends the initial terminal size (before any input), then pumps the output
// on a Stream. Cancelling the stream, or its end, closes the connection.
Result<DuplexStream<ExecChunk, ExecStatus>> start_spdy_exec(std::unique_ptr<MuxConnection> connection,
                                                            const ExecOptions& options,
                                                            const CancelToken& cancel);

}  // namespace orka::streaming
