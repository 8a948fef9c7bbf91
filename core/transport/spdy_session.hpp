// A SPDY/3.1 client session: concurrent streams over one SpdyPipe, with per-stream and session
// flow control, half-close and per-stream reset. Kubernetes exec (streams error, stdin, stdout,
// stderr, resize, told apart by their `streamtype` header) and port-forward (an error and a data
// stream per local connection, headers `streamtype`, `port`, `requestid`) run on it.
// Internal to liborka.
//
// Threads: one reader thread per session (started by start(), joined by close() and the
// destructor, never detached) decodes frames and queues DATA per stream. Applications call
// SpdyStream::read()/write() from their own threads; writes from any thread are serialized frame
// by frame. WINDOW_UPDATEs are sent by the thread that consumes the data, so the reader thread
// only writes to answer a server PING or refuse a server-initiated stream.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "orka/cancel.hpp"
#include "orka/error.hpp"
#include "transport/spdy_frame.hpp"
#include "transport/spdy_pipe.hpp"

namespace orka::core {

// Whether write() waits for the peer's flow-control window. moby/spdystream (the kubelet's and
// the API server's SPDY library) never sends WINDOW_UPDATE or SETTINGS and does not enforce
// windows, so honouring the 64 KiB initial window against it would stall every upload after
// 64 KiB. `Auto` tracks the windows from the start and enforces them once the peer shows it
// does flow control (any SETTINGS or WINDOW_UPDATE frame).
enum class SpdySendFlowControl { Auto, Always, Never };

struct SpdySessionOptions {
  // Receive windows orka grants (SETTINGS INITIAL_WINDOW_SIZE for streams, a WINDOW_UPDATE on
  // stream 0 for the session), so a flow-controlled peer can fill a fast link. WINDOW_UPDATEs go
  // out once the application consumed half a window: few, large increments.
  std::uint32_t stream_receive_window = 16 * 1024 * 1024;
  std::uint32_t session_receive_window = 64 * 1024 * 1024;
  // Largest DATA payload written in one frame.
  std::size_t max_send_frame = 256 * 1024;
  SpdySendFlowControl send_flow_control = SpdySendFlowControl::Auto;
  // open_stream() waits this long for the server's SYN_REPLY.
  std::chrono::milliseconds reply_timeout{30000};
  // Received frames larger than this are a protocol error.
  std::uint32_t max_frame_length = kSpdyMaxFrameLength;
};

struct SpdySessionCore;
struct SpdyStreamState;

// One client-initiated stream. Shared by the application threads that use it; thread-safe.
class SpdyStream {
 public:
  SpdyStream(std::shared_ptr<SpdySessionCore> core, std::shared_ptr<SpdyStreamState> state);
  ~SpdyStream();
  SpdyStream(const SpdyStream&) = delete;
  SpdyStream& operator=(const SpdyStream&) = delete;

  std::uint32_t id() const;
  // The headers of the server's SYN_REPLY.
  const SpdyHeaders& reply_headers() const;

  // Up to `size` bytes; 0 once the server half-closed the stream (FIN) and all its data was
  // read. Errors: the stream was reset (by either side), the session ended first, Cancelled.
  Result<std::size_t> read(char* buffer, std::size_t size);
  // Writes all of `bytes`, waiting for flow-control window when it is enforced. Fails once the
  // stream was reset or half-closed locally, or the session ended.
  Result<void> write(std::string_view bytes);
  // Half-closes the sending side (an empty DATA frame with FIN): the remote command sees EOF on
  // stdin. Idempotent.
  Result<void> close_write();
  // RST_STREAM for this stream only: pending and later reads/writes fail; other streams go on.
  void reset(SpdyRstStatus status = SpdyRstStatus::Cancel) noexcept;

 private:
  std::shared_ptr<SpdySessionCore> core_;
  std::shared_ptr<SpdyStreamState> state_;
};

class SpdySession {
 public:
  // Starts the session on `pipe`: sends SETTINGS and the session WINDOW_UPDATE, then starts the
  // reader thread. A cancelled `cancel` shuts the pipe down: every blocked call returns
  // Cancelled.
  static Result<std::unique_ptr<SpdySession>> start(std::unique_ptr<SpdyPipe> pipe,
                                                    const CancelToken& cancel,
                                                    const SpdySessionOptions& options = {});
  ~SpdySession();  // close()
  SpdySession(const SpdySession&) = delete;
  SpdySession& operator=(const SpdySession&) = delete;

  // Opens a stream (SYN_STREAM with `headers`, next odd id) and waits for the SYN_REPLY: the
  // Kubernetes servers drop DATA for a stream they have not answered yet. Unavailable after a
  // GOAWAY; Timeout after options.reply_timeout (the stream is then reset).
  Result<std::shared_ptr<SpdyStream>> open_stream(const SpdyHeaders& headers);

  // Round trip of a PING; Timeout when no answer comes within `timeout`.
  Result<std::chrono::steady_clock::duration> ping(std::chrono::milliseconds timeout);

  // True once the connection ended or the server sent GOAWAY.
  bool closed() const;

  // Sends GOAWAY (best effort), shuts the pipe down and joins the reader thread; streams still
  // open fail their pending and later calls. Idempotent; callable from any thread but the
  // reader's.
  void close() noexcept;

  // close(), with `why` as the error every open and later call on the session and its streams
  // fails with (a keepalive PING went unanswered). Not from the reader thread.
  void abort(Error why) noexcept;

 private:
  explicit SpdySession(std::shared_ptr<SpdySessionCore> core);
  std::shared_ptr<SpdySessionCore> core_;
};

}  // namespace orka::core
