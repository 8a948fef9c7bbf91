// Reads one HTTP/1.1 response from a Connection: the head, then the body per its framing
// (Content-Length, chunked, until close). Body bytes go straight into the caller's buffer
// whenever the framing allows, so a followed log costs one TLS decrypt and no extra copy.
// Internal to liborka.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "orka/error.hpp"
#include "transport/connection.hpp"
#include "transport/http_chunked.hpp"
#include "transport/http_message.hpp"

namespace orka::core {

class ResponseReader {
 public:
  static constexpr std::size_t buffer_size = 64 * 1024;

  explicit ResponseReader(Connection& connection);

  // The next final response head (1xx interim responses are skipped); prepares the body.
  Result<ResponseHead> read_head(std::string_view request_method);

  // Up to `size` body bytes; 0 once the body ended.
  Result<std::size_t> read_body(char* out, std::size_t size);

  // Appends the rest of the body to `out`; more than `limit` bytes is an error.
  Result<void> read_body_into(std::string& out, std::size_t limit);

  bool received_any() const { return received_any_; }
  bool body_done() const { return body_done_; }
  // The connection may carry another request: the body ended and the server keeps it open.
  bool reusable() const { return body_done_ && keep_alive_ && begin_ == end_; }

 private:
  Result<std::size_t> fill();  // reads more bytes into the buffer; 0: the peer closed

  Connection& connection_;
  std::unique_ptr<char[]> buffer_;
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
