// exec over one WebSocket (v5.channel.k8s.io, else v4): every channel is a message prefix.
#pragma once

#include <memory>

#include "orka/client.hpp"
#include "orka/ops.hpp"

namespace orka::streaming {

// Sends the initial terminal size (before any input), then pumps the output on a Stream.
// Cancelling the stream closes the socket.
Result<DuplexStream<ExecChunk, ExecStatus>> start_websocket_exec(std::unique_ptr<WebSocket> socket,
                                                                 const ExecOptions& options,
                                                                 const CancelToken& cancel);

// Reads the session until the server ends it, pushing output and returning the status.
// Separate from the session so the tests can drive it with a scripted WebSocket.
Result<ExecStatus> pump_exec_output(WebSocket& socket, StreamWriter<ExecChunk>& out);

}  // namespace orka::streaming
