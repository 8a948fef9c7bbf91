// Reads one HTTP/1.1 response from a Connection: the head, then the body per its framing
// (Content-Length, chunked, until close). Body bytes go straight into the caller's buffer
// whenever the framing allows, so a followed log costs one TLS decrypt and no extra copy.
// Internal to liborka.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "orka/error.hpp"
#include "transport/connection.hpp"
#include "transport/http_chunked.hpp"
#include "transport/http_message.hpp"

namespace orka::core {

// A server writes its response head at once; one that trickles it (a line every half second
// would take minutes to reach the 64 KiB cap) is slow or hostile. Ten seconds from the first
// byte is far more than any proxy between here and the API server needs.
inline constexpr std::chrono::seconds kResponseHeadCompletionTime{10};

class ResponseReader {
 public:
  using Clock = std::chrono::steady_clock;
  // The most the reader holds: a response head must fit. It starts with first_buffer_size and
  // doubles when a head needs more or a read filled it: a hundred followed logs that bring a
  // few hundred bytes per read hold 8 KiB each, a fast body soon reads 64 KiB at a time.
  static constexpr std::size_t buffer_size = 64 * 1024;
  static constexpr std::size_t first_buffer_size = 8 * 1024;

  // `read_timeout`: the limit the caller set on the connection for each read (zero: none); the
  // reader narrows it to meet its deadlines and puts it back afterwards.
  explicit ResponseReader(Connection& connection,
                          std::chrono::milliseconds read_timeout = std::chrono::milliseconds{0});

  // Everything read after this call must arrive by `deadline`; later reads fail with Timeout
  // naming `what` ("the WebSocket upgrade answer").
  void set_deadline(Clock::time_point deadline, std::string what);

  // The next final response head (1xx interim responses are skipped); prepares the body. Once
  // its first byte arrived, the head must be complete within kResponseHeadCompletionTime.
  Result<ResponseHead> read_head(std::string_view request_method);

  // The bytes read past the head and not yet handed out (after a 101: the first frames).
  std::string take_buffered();

  // Up to `size` body bytes; 0 once the body ended.
  Result<std::size_t> read_body(char* out, std::size_t size);

  // Appends the rest of the body to `out`; more than `limit` bytes is an error, found before
  // reading when Content-Length announces it. Memory grows with the bytes received, never with
  // what a header claims.
  Result<void> read_body_into(std::string& out, std::size_t limit);

  bool received_any() const { return received_any_; }
  bool body_done() const { return body_done_; }
  // The connection may carry another request: the body ended and the server keeps it open.
  bool reusable() const { return body_done_ && keep_alive_ && begin_ == end_; }

 private:
  Result<std::size_t> fill();  // reads more bytes into the buffer; 0: the peer closed
  // Every read from the connection: applies the nearest deadline as the read's time limit.
  Result<std::size_t> read_connection(char* out, std::size_t size);

  Connection& connection_;
  std::chrono::milliseconds read_timeout_;
  bool timeout_narrowed_ = false;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::string deadline_what_;
  Clock::time_point head_deadline_ = Clock::time_point::max();
  void grow();  // doubles the buffer, up to buffer_size, keeping the unread bytes

  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = first_buffer_size;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool received_any_ = false;

  BodyFraming framing_;
  std::uint64_t remaining_ = 0;  // ContentLength: bytes still to come
  ChunkedDecoder chunked_;
  bool body_done_ = false;
  bool keep_alive_ = false;
};

}  // namespace orka::core
