// The SPDY/3.1 client session: stream bookkeeping, flow control and the reader thread.
#include "transport/spdy_session.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

namespace orka::core {

namespace {
constexpr std::size_t kReadBufferSize = 256 * 1024;
constexpr std::chrono::milliseconds kGoAwayWriteWait{200};
}  // namespace

struct SpdyStreamState {
  explicit SpdyStreamState(std::uint32_t stream_id) : id(stream_id) {}
  const std::uint32_t id;
  // Everything below is guarded by SpdySessionCore::mutex.
  bool replied = false;
  SpdyHeaders reply_headers;
  bool remote_fin = false;  // the server half-closed: no more DATA
  bool local_fin = false;   // orka half-closed
  std::optional<Error> reset;
  bool reset_by_server = false;  // its queued data is still delivered before the reset
  // Its reader waits here rather than on the session's `changed`: a DATA frame then wakes only
  // the thread reading this stream (a forward has two streams per connection, so hundreds of
  // idle readers would otherwise wake for every frame).
  std::condition_variable readable;
  std::deque<std::string> chunks;  // received DATA, oldest first
  std::size_t chunk_offset = 0;    // bytes of chunks.front() already read
  std::size_t buffered = 0;
  std::int64_t send_window = kSpdyInitialWindow;
  std::uint64_t consumed_unacked = 0;  // read by the app, not yet granted back
};

struct SpdySessionCore {
  SpdySessionCore(std::unique_ptr<SpdyPipe> pipe_, CancelToken cancel_,
                  const SpdySessionOptions& options_)
      : pipe(std::move(pipe_)),
        cancel(std::move(cancel_)),
        options(options_),
        decoder(options_.max_frame_length) {}

  std::unique_ptr<SpdyPipe> pipe;
  CancelToken cancel;
  const SpdySessionOptions options;

  // Frames go out whole and in encoding order (the header compressor is stateful).
  std::mutex write_mutex;
  SpdyFrameEncoder encoder;
  std::string write_buffer;

  std::mutex mutex;
  std::condition_variable changed;  // any state change below
  std::map<std::uint32_t, std::shared_ptr<SpdyStreamState>> streams;
  std::uint32_t next_stream_id = 1;
  std::uint32_t next_ping_id = 1;
  // PING ids we sent and wait for (one per ping() caller, so as many as threads pinging) and
  // those of them answered but not yet collected. An answer to an id not in `awaited` is
  // dropped: a server's unasked PINGs must not grow memory.
  std::set<std::uint32_t> awaited_pings;
  std::set<std::uint32_t> pongs;
  std::int64_t session_send_window = kSpdyInitialWindow;
  std::int64_t initial_send_window = kSpdyInitialWindow;
  bool enforce_send_window = false;
  bool peer_does_flow_control = false;  // it sent SETTINGS or WINDOW_UPDATE
  std::uint64_t session_consumed_unacked = 0;
  bool going_away = false;
  std::optional<Error> ended;  // why the session is over (connection closed, error, close())
  bool closing = false;

  // Reader-thread only.
  SpdyFrameDecoder decoder;

  std::thread reader;
  std::atomic<bool> closed_once{false};
  CancelToken::Registration cancel_registration;

  Error cancelled_error() const { return make_error(ErrorKind::Cancelled, "cancelled"); }

  // The error for a call that finds the session over (mutex held).
  Error session_error() const {
    if (cancel.cancelled()) return cancelled_error();
    if (ended) return *ended;
    return make_error(ErrorKind::Transport, "the SPDY session is closed");
  }

  Result<void> write_frames(std::string_view frames) {
    std::lock_guard lock(write_mutex);
    return write_locked(frames);
  }

  // For frames that must not wait behind a writer stuck on a full socket (the GOAWAY on the way
  // out): tries for `wait`, then gives up. Polling try_lock instead of a timed mutex keeps
  // ThreadSanitizer able to follow the lock.
  void write_best_effort(std::string_view frames, std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      if (write_mutex.try_lock()) {
        std::lock_guard lock(write_mutex, std::adopt_lock);
        (void)write_locked(frames);
        return;
      }
      if (std::chrono::steady_clock::now() >= deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  Result<void> write_locked(std::string_view frames) {
    auto written = pipe->write(frames);
    if (!written && cancel.cancelled()) return fail(cancelled_error());
    return written;
  }

  void end(Error error) {
    {
      std::lock_guard lock(mutex);
      if (!ended) ended = std::move(error);
      wake_readers();
    }
    changed.notify_all();
  }

  // Every stream still in the map may have a blocked reader (those already erased ended with
  // a FIN or a reset, which woke theirs). Called with the mutex held.
  void wake_readers() {
    for (auto& [id, stream] : streams) stream->readable.notify_all();
  }

  // ---- receive-side flow control ----

  // Called with the mutex held after the app consumed `count` bytes of `stream` (null: bytes
  // dropped for a stream that is gone). Appends the WINDOW_UPDATEs now due to `out`.
  void account_consumed(SpdyStreamState* stream, std::size_t count, std::string& out) {
    // A peer that never showed flow control (spdystream: kubelet, API server) ignores our
    // WINDOW_UPDATEs, and one that reaches it after it closed its socket makes its kernel
    // answer with a TCP RST, which destroys the output and exit status still on the way to us.
    if (!peer_does_flow_control) return;
    session_consumed_unacked += count;
    if (session_consumed_unacked >= options.session_receive_window / 2) {
      SpdyFrameEncoder::window_update(out, 0,
                                      static_cast<std::uint32_t>(session_consumed_unacked));
      session_consumed_unacked = 0;
    }
    if (!stream || stream->remote_fin || stream->reset) return;
    stream->consumed_unacked += count;
    if (stream->consumed_unacked >= options.stream_receive_window / 2) {
      SpdyFrameEncoder::window_update(out, stream->id,
                                      static_cast<std::uint32_t>(stream->consumed_unacked));
      stream->consumed_unacked = 0;
    }
  }

  void forget_if_done(const SpdyStreamState& stream) {
    if ((stream.local_fin && stream.remote_fin) || stream.reset) streams.erase(stream.id);
  }

  // ---- the reader thread ----

  void reader_loop() {
    std::unique_ptr<char[]> buffer(new char[kReadBufferSize]);
    for (;;) {
      auto got = pipe->read_some(buffer.get(), kReadBufferSize);
      if (!got || *got == 0) {
        if (cancel.cancelled()) {
          end(cancelled_error());
        } else if (!got) {
          end(got.error());
        } else {
          end(make_error(ErrorKind::Transport,
                         "the server closed the SPDY connection before the stream ended"));
        }
        break;
      }
      decoder.feed(std::string_view(buffer.get(), *got));
      Result<void> handled;
      for (;;) {
        auto frame = decoder.next();
        if (!frame) {
          handled = fail(frame.error());
          break;
        }
        if (!*frame) break;
        handled = handle(std::move(**frame));
        if (!handled) break;
      }
      if (!handled) {
        std::string goaway;
        SpdyFrameEncoder::goaway(goaway, 0, SpdyGoAwayStatus::ProtocolError);
        write_best_effort(goaway, kGoAwayWriteWait);
        end(handled.error());
        pipe->shutdown();
        break;
      }
    }
  }

  Result<void> handle(SpdyFrame frame) {
    switch (frame.type) {
      case SpdyFrameType::Data: return on_data(std::move(frame));
      case SpdyFrameType::SynReply: return on_reply(std::move(frame));
      case SpdyFrameType::Headers: return on_headers(frame);
      case SpdyFrameType::RstStream: return on_reset(frame);
      case SpdyFrameType::Settings: return on_settings(frame);
      case SpdyFrameType::Ping: return on_ping(frame);
      case SpdyFrameType::GoAway: return on_goaway(frame);
      case SpdyFrameType::WindowUpdate: return on_window_update(frame);
      case SpdyFrameType::SynStream: {
        // Kubernetes servers never open streams towards the client.
        std::string refuse;
        SpdyFrameEncoder::rst_stream(refuse, frame.stream_id, SpdyRstStatus::RefusedStream);
        (void)write_frames(refuse);
        return {};
      }
    }
    return {};
  }

  Result<void> on_data(SpdyFrame frame) {
    std::string window_updates;
    {
      std::unique_lock lock(mutex);
      auto found = streams.find(frame.stream_id);
      std::shared_ptr<SpdyStreamState> stream =
          found == streams.end() ? nullptr : found->second;
      if (!stream || stream->remote_fin) {
        // Late DATA for a stream reset or finished locally: drop it, but grant its bytes back.
        account_consumed(nullptr, frame.data.size(), window_updates);
      } else {
        // Backpressure: a peer that ignores our windows (spdystream) is slowed down by TCP
        // instead of filling memory. Frames for other streams wait meanwhile, as in spdystream.
        const std::size_t limit = std::max<std::size_t>(options.stream_receive_window, 1);
        changed.wait(lock, [&] {
          return stream->buffered < limit || stream->reset || closing || cancel.cancelled();
        });
        if (stream->reset || closing || cancel.cancelled()) {
          account_consumed(nullptr, frame.data.size(), window_updates);
        } else {
          if (!frame.data.empty()) {
            stream->buffered += frame.data.size();
            stream->chunks.push_back(std::move(frame.data));
          }
          if (frame.fin()) {
            stream->remote_fin = true;
            forget_if_done(*stream);
          }
          stream->readable.notify_all();
        }
      }
    }
    changed.notify_all();
    if (!window_updates.empty()) (void)write_frames(window_updates);
    return {};
  }

  Result<void> on_reply(SpdyFrame frame) {
    {
      std::lock_guard lock(mutex);
      auto found = streams.find(frame.stream_id);
      if (found == streams.end()) return {};
      SpdyStreamState& stream = *found->second;
      if (stream.replied) {
        // SPDY/3 §2.3.6: a second SYN_REPLY is a stream error.
        stream.reset = make_error(
            ErrorKind::Transport,
            fmt::format("SPDY protocol error: the server answered stream {} twice", stream.id));
        stream.readable.notify_all();
        streams.erase(found);
      } else {
        stream.replied = true;
        stream.reply_headers = std::move(frame.headers);
        if (frame.fin()) {
          stream.remote_fin = true;
          stream.readable.notify_all();
          forget_if_done(stream);
        }
      }
    }
    changed.notify_all();
    return {};
  }

  Result<void> on_headers(const SpdyFrame& frame) {
    {
      std::lock_guard lock(mutex);
      auto found = streams.find(frame.stream_id);
      if (found == streams.end()) return {};
      SpdyStreamState& stream = *found->second;
      // Kubernetes sends no HEADERS frames; their headers are dropped so reply_headers() stays
      // immutable once open_stream() returned. Only the FIN matters.
      if (frame.fin()) {
        stream.remote_fin = true;
        stream.readable.notify_all();
        forget_if_done(stream);
      }
    }
    changed.notify_all();
    return {};
  }

  Result<void> on_reset(const SpdyFrame& frame) {
    {
      std::lock_guard lock(mutex);
      auto found = streams.find(frame.stream_id);
      if (found == streams.end()) return {};
      const auto status = static_cast<SpdyRstStatus>(frame.status);
      found->second->reset = make_error(
          status == SpdyRstStatus::RefusedStream ? ErrorKind::Unavailable : ErrorKind::Transport,
          fmt::format("the server reset SPDY stream {} ({})", frame.stream_id,
                      to_string(status)));
      found->second->reset_by_server = true;
      found->second->readable.notify_all();
      streams.erase(found);
    }
    changed.notify_all();
    return {};
  }

  Result<void> on_settings(const SpdyFrame& frame) {
    {
      std::lock_guard lock(mutex);
      peer_does_flow_control = true;
      if (options.send_flow_control == SpdySendFlowControl::Auto) enforce_send_window = true;
      for (const auto& setting : frame.settings) {
        if (setting.id != kSpdySettingInitialWindowSize) continue;
        if (setting.value > kSpdyMaxWindow)
          return fail(ErrorKind::Transport,
                      fmt::format("SPDY protocol error: SETTINGS INITIAL_WINDOW_SIZE {} exceeds "
                                  "2^31-1",
                                  setting.value));
        // SPDY/3 §2.6.8: the change applies to every open stream's window.
        const std::int64_t delta = std::int64_t{setting.value} - initial_send_window;
        initial_send_window = setting.value;
        for (auto& [id, stream] : streams) stream->send_window += delta;
      }
    }
    changed.notify_all();
    return {};
  }

  Result<void> on_ping(const SpdyFrame& frame) {
    if (frame.ping_id % 2 == 1) {  // odd: the answer to one of ours
      {
        std::lock_guard lock(mutex);
        if (awaited_pings.erase(frame.ping_id) > 0) pongs.insert(frame.ping_id);
      }
      changed.notify_all();
      return {};
    }
    std::string pong;
    SpdyFrameEncoder::ping(pong, frame.ping_id);
    (void)write_frames(pong);  // a failed write surfaces as the read side ending
    return {};
  }

  Result<void> on_goaway(const SpdyFrame& frame) {
    {
      std::lock_guard lock(mutex);
      going_away = true;
      // Streams above the last one the server accepted were never processed (SPDY/3 §2.6.6).
      for (auto it = streams.begin(); it != streams.end();) {
        if (it->first > frame.stream_id) {
          it->second->reset = make_error(
              ErrorKind::Unavailable,
              fmt::format("the server sent GOAWAY before processing SPDY stream {}", it->first));
          it->second->readable.notify_all();
          it = streams.erase(it);
        } else {
          ++it;
        }
      }
    }
    changed.notify_all();
    return {};
  }

  Result<void> on_window_update(const SpdyFrame& frame) {
    std::string reset;
    {
      std::lock_guard lock(mutex);
      peer_does_flow_control = true;
      if (options.send_flow_control == SpdySendFlowControl::Auto) enforce_send_window = true;
      if (frame.stream_id == 0) {
        session_send_window += frame.delta_window;
        if (session_send_window > kSpdyMaxWindow)
          return fail(ErrorKind::Transport,
                      "SPDY protocol error: the server grew the session window past 2^31-1");
      } else if (auto found = streams.find(frame.stream_id); found != streams.end()) {
        found->second->send_window += frame.delta_window;
        if (found->second->send_window > kSpdyMaxWindow) {
          // SPDY/3 §2.6.8: a stream error, FLOW_CONTROL_ERROR.
          found->second->reset = make_error(
              ErrorKind::Transport,
              fmt::format("SPDY protocol error: the server grew stream {}'s window past 2^31-1",
                          frame.stream_id));
          SpdyFrameEncoder::rst_stream(reset, frame.stream_id, SpdyRstStatus::FlowControlError);
          found->second->readable.notify_all();
          streams.erase(found);
        }
      }
    }
    changed.notify_all();
    if (!reset.empty()) (void)write_frames(reset);
    return {};
  }

  // ---- shutdown ----

  void close() noexcept {
    if (closed_once.exchange(true)) return;
    std::string goaway;
    SpdyFrameEncoder::goaway(goaway, 0, SpdyGoAwayStatus::Ok);
    if (!cancel.cancelled()) write_best_effort(goaway, kGoAwayWriteWait);
    {
      std::lock_guard lock(mutex);
      closing = true;
      if (!ended) ended = make_error(ErrorKind::Transport, "the SPDY session was closed");
      wake_readers();
    }
    changed.notify_all();
    pipe->shutdown();
    if (reader.joinable() && reader.get_id() != std::this_thread::get_id()) reader.join();
    cancel_registration.reset();
  }
};

// ---- SpdyStream ----

SpdyStream::SpdyStream(std::shared_ptr<SpdySessionCore> core,
                       std::shared_ptr<SpdyStreamState> state)
    : core_(std::move(core)), state_(std::move(state)) {}

SpdyStream::~SpdyStream() = default;

std::uint32_t SpdyStream::id() const { return state_->id; }

const SpdyHeaders& SpdyStream::reply_headers() const {
  // Written once by the reader before open_stream() returns, never changed by SYN_REPLY later.
  return state_->reply_headers;
}

Result<std::size_t> SpdyStream::read(char* buffer, std::size_t size) {
  SpdySessionCore& core = *core_;
  SpdyStreamState& stream = *state_;
  std::string window_updates;
  std::size_t copied = 0;
  {
    std::unique_lock lock(core.mutex);
    stream.readable.wait(lock, [&] {
      return stream.buffered > 0 || stream.remote_fin || stream.reset || core.ended ||
             core.cancel.cancelled();
    });
    // What the server sent before resetting a stream is still read (as spdystream does): the
    // kubelet writes an exec's exit status and last output, then resets every stream at once.
    // A local reset discards the queue: orka abandoned the stream.
    if (stream.reset && (!stream.reset_by_server || stream.buffered == 0))
      return fail(*stream.reset);
    if (stream.buffered == 0) {
      if (stream.remote_fin) return 0;
      return fail(core.session_error());
    }
    while (copied < size && !stream.chunks.empty()) {
      std::string& front = stream.chunks.front();
      const std::size_t count = std::min(size - copied, front.size() - stream.chunk_offset);
      std::memcpy(buffer + copied, front.data() + stream.chunk_offset, count);
      copied += count;
      stream.chunk_offset += count;
      if (stream.chunk_offset == front.size()) {
        stream.chunks.pop_front();
        stream.chunk_offset = 0;
      }
    }
    stream.buffered -= copied;
    core.account_consumed(&stream, copied, window_updates);
  }
  core.changed.notify_all();  // the reader may wait for room in this stream's queue
  // The bytes are the caller's either way; a connection that ended shows at the next read.
  if (!window_updates.empty()) (void)core.write_frames(window_updates);
  return copied;
}

Result<void> SpdyStream::write(std::string_view bytes) {
  SpdySessionCore& core = *core_;
  SpdyStreamState& stream = *state_;
  while (!bytes.empty()) {
    std::size_t count = 0;
    {
      std::unique_lock lock(core.mutex);
      core.changed.wait(lock, [&] {
        const bool window_open = !core.enforce_send_window ||
                                 (stream.send_window > 0 && core.session_send_window > 0);
        return window_open || stream.reset || core.ended || stream.local_fin ||
               core.cancel.cancelled();
      });
      if (stream.reset) return fail(*stream.reset);
      if (core.ended || core.cancel.cancelled()) return fail(core.session_error());
      if (stream.local_fin)
        return fail(ErrorKind::Internal,
                    fmt::format("write on SPDY stream {} after close_write()", stream.id));
      count = std::min(bytes.size(), core.options.max_send_frame);
      if (core.enforce_send_window)
        count = static_cast<std::size_t>(std::min<std::int64_t>(
            {static_cast<std::int64_t>(count), stream.send_window, core.session_send_window}));
      // Tracked even while not enforced, so enforcement starts from the true window.
      stream.send_window -= static_cast<std::int64_t>(count);
      core.session_send_window -= static_cast<std::int64_t>(count);
    }
    {
      std::lock_guard lock(core.write_mutex);
      core.write_buffer.clear();
      SpdyFrameEncoder::data(core.write_buffer, stream.id, 0, bytes.substr(0, count));
      auto written = core.write_locked(core.write_buffer);
      if (core.write_buffer.capacity() > 2 * core.options.max_send_frame + 64)
        std::string().swap(core.write_buffer);
      if (!written) return written;
    }
    bytes.remove_prefix(count);
  }
  return {};
}

Result<void> SpdyStream::close_write() {
  SpdySessionCore& core = *core_;
  SpdyStreamState& stream = *state_;
  {
    std::lock_guard lock(core.mutex);
    if (stream.local_fin) return {};
    if (stream.reset) return fail(*stream.reset);
    if (core.ended || core.cancel.cancelled()) return fail(core.session_error());
    stream.local_fin = true;
    core.forget_if_done(stream);
  }
  core.changed.notify_all();
  std::string fin;
  SpdyFrameEncoder::data(fin, stream.id, kSpdyFlagFin, {});
  return core.write_frames(fin);
}

void SpdyStream::reset(SpdyRstStatus status) noexcept {
  SpdySessionCore& core = *core_;
  SpdyStreamState& stream = *state_;
  {
    std::lock_guard lock(core.mutex);
    if (stream.reset) return;
    const bool finished = stream.local_fin && stream.remote_fin;
    stream.reset = make_error(ErrorKind::Transport,
                              fmt::format("SPDY stream {} was reset locally", stream.id));
    stream.readable.notify_all();
    core.streams.erase(stream.id);
    if (finished || core.ended) {
      core.changed.notify_all();
      return;
    }
  }
  core.changed.notify_all();
  std::string frame;
  SpdyFrameEncoder::rst_stream(frame, stream.id, status);
  (void)core.write_frames(frame);
}

// ---- SpdySession ----

SpdySession::SpdySession(std::shared_ptr<SpdySessionCore> core) : core_(std::move(core)) {}

SpdySession::~SpdySession() { close(); }

Result<std::unique_ptr<SpdySession>> SpdySession::start(std::unique_ptr<SpdyPipe> pipe,
                                                        const CancelToken& cancel,
                                                        const SpdySessionOptions& options) {
  if (!pipe) return fail(ErrorKind::Internal, "SpdySession::start: no pipe");
  if (options.stream_receive_window == 0 || options.stream_receive_window > kSpdyMaxWindow ||
      options.session_receive_window < kSpdyInitialWindow ||
      options.session_receive_window > kSpdyMaxWindow || options.max_send_frame == 0 ||
      options.max_send_frame > kSpdyMaxFrameLength)
    return fail(ErrorKind::Internal, "SpdySession::start: window or frame size out of range");
  if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");

  auto core = std::make_shared<SpdySessionCore>(std::move(pipe), cancel, options);
  core->enforce_send_window = options.send_flow_control == SpdySendFlowControl::Always;

  std::string hello;
  SpdyFrameEncoder::settings(hello, {{0, kSpdySettingInitialWindowSize,
                                      options.stream_receive_window}});
  if (options.session_receive_window > kSpdyInitialWindow)
    SpdyFrameEncoder::window_update(hello, 0, options.session_receive_window - kSpdyInitialWindow);
  if (auto written = core->write_frames(hello); !written) return fail(written.error());

  SpdySessionCore* raw = core.get();
  core->cancel_registration = cancel.on_cancel([raw] {
    {
      std::lock_guard lock(raw->mutex);  // a waiter between its check and its wait sees it
      raw->wake_readers();
    }
    raw->changed.notify_all();
    raw->pipe->shutdown();
  });
  core->reader = std::thread([raw] { raw->reader_loop(); });
  return std::unique_ptr<SpdySession>(new SpdySession(std::move(core)));
}

Result<std::shared_ptr<SpdyStream>> SpdySession::open_stream(const SpdyHeaders& headers) {
  SpdySessionCore& core = *core_;
  std::shared_ptr<SpdyStreamState> state;
  {
    // Ids must reach the wire in increasing order (SPDY/3 §2.3.2; spdystream refuses a lower
    // one), so the id is taken under the write lock that also sends the SYN_STREAM.
    std::lock_guard write_lock(core.write_mutex);
    {
      std::lock_guard lock(core.mutex);
      if (core.ended || core.cancel.cancelled()) return fail(core.session_error());
      if (core.going_away)
        return fail(ErrorKind::Unavailable,
                    "the server sent GOAWAY: the SPDY connection takes no new streams",
                    "open a new connection");
      if (core.next_stream_id > kSpdyMaxStreamId)
        return fail(ErrorKind::Unavailable, "the SPDY connection ran out of stream ids",
                    "open a new connection");
      state = std::make_shared<SpdyStreamState>(core.next_stream_id);
      core.next_stream_id += 2;
      state->send_window = core.initial_send_window;
      core.streams.emplace(state->id, state);
    }
    core.write_buffer.clear();
    auto encoded = core.encoder.syn_stream(core.write_buffer, state->id, 0, headers);
    Result<void> written = encoded ? core.write_locked(core.write_buffer) : encoded;
    if (!written) {
      std::lock_guard lock(core.mutex);
      core.streams.erase(state->id);
      return fail(written.error());
    }
  }
  auto stream = std::make_shared<SpdyStream>(core_, state);
  std::unique_lock lock(core.mutex);
  const bool settled = core.changed.wait_for(lock, core.options.reply_timeout, [&] {
    return state->replied || state->reset || core.ended || core.cancel.cancelled();
  });
  // Answered and then reset by the server: what it sent first is still read, then the reset.
  if (state->reset && !(state->replied && state->reset_by_server)) return fail(*state->reset);
  // Answered: the stream may already hold all its data even if the connection ended since.
  if (state->replied && !core.cancel.cancelled()) return stream;
  if (core.ended || core.cancel.cancelled()) return fail(core.session_error());
  if (!settled) {
    lock.unlock();
    stream->reset(SpdyRstStatus::Cancel);
    return fail(ErrorKind::Timeout,
                fmt::format("the server did not answer SPDY stream {} within {} ms", state->id,
                            core.options.reply_timeout.count()));
  }
  return stream;
}

Result<std::chrono::steady_clock::duration> SpdySession::ping(std::chrono::milliseconds timeout) {
  SpdySessionCore& core = *core_;
  std::uint32_t id = 0;
  {
    std::lock_guard lock(core.mutex);
    if (core.ended || core.cancel.cancelled()) return fail(core.session_error());
    id = core.next_ping_id;
    core.next_ping_id = core.next_ping_id >= 0x7ffffffd ? 1 : core.next_ping_id + 2;
    core.awaited_pings.insert(id);
  }
  const auto started = std::chrono::steady_clock::now();
  std::string frame;
  SpdyFrameEncoder::ping(frame, id);
  auto written = core.write_frames(frame);
  std::unique_lock lock(core.mutex);
  if (!written) {
    core.awaited_pings.erase(id);
    return fail(written.error());
  }
  const bool answered = core.changed.wait_for(lock, timeout, [&] {
    return core.pongs.count(id) > 0 || core.ended || core.cancel.cancelled();
  });
  core.awaited_pings.erase(id);  // a late answer is dropped
  if (core.pongs.erase(id) > 0) return std::chrono::steady_clock::now() - started;
  if (!answered)
    return fail(ErrorKind::Timeout,
                fmt::format("the server did not answer a SPDY PING within {} ms", timeout.count()));
  return fail(core.session_error());
}

bool SpdySession::closed() const {
  std::lock_guard lock(core_->mutex);
  return core_->ended.has_value() || core_->going_away;
}

void SpdySession::close() noexcept { core_->close(); }

void SpdySession::abort(Error why) noexcept {
  core_->end(std::move(why));
  core_->close();
}

}  // namespace orka::core
