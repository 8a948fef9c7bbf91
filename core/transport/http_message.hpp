// HTTP/1.1 messages as pure functions over bytes: the request writer, the response head
// parser and the body framing rules (RFC 9112). Internal to liborka.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orka/client.hpp"
#include "util/ascii.hpp"

namespace orka::core {

struct ResponseHead {
  int version_minor = 1;  // HTTP/1.<minor>
  int status = 0;
  std::string reason;
  Headers headers;

  // Case-insensitive; empty when absent. Repeated headers: the first one.
  std::string header(std::string_view name) const;
};

struct ParsedHead {
  ResponseHead head;
  std::size_t consumed = 0;  // bytes of the input that belonged to the head
};

// Largest response head accepted; the API server's are a few hundred bytes.
inline constexpr std::size_t max_response_head_size = 64 * 1024;

// Parses a response head from the start of `bytes`. nullopt: the head is incomplete (read
// more). Lines may end in CRLF or a bare LF.
Result<std::optional<ParsedHead>> parse_response_head(std::string_view bytes);

enum class BodyKind {
  None,           // HEAD, 1xx, 204, 304
  ContentLength,  // exactly `length` bytes
  Chunked,        // chunked transfer coding
  UntilClose,     // HTTP/1.0 style: the body ends when the server closes
};

struct BodyFraming {
  BodyKind kind = BodyKind::None;
  std::uint64_t length = 0;
};

Result<BodyFraming> body_framing(const ResponseHead& head, std::string_view request_method);

// Whether the connection may carry another request once this response's body is read.
bool keeps_alive(const ResponseHead& head, const BodyFraming& framing);

// True when the comma-separated header value `list` names `token` (case-insensitive), as
// "Connection: keep-alive, Upgrade" names "upgrade".
bool has_token(std::string_view list, std::string_view token);

// "GET /path HTTP/1.1\r\nHost: ...\r\n...\r\n\r\n" followed by the body. Content-Length is
// added when there is a body or the method usually carries one.
// The last line of defence against request smuggling: an Invalid error, and nothing written,
// when the method or a header name is not an HTTP token, when the target or host holds a
// space, a control character or a non-ASCII byte, or when a header value holds a control
// character other than a tab. Header values are never quoted in the error (they carry tokens).
Result<std::string> format_request(std::string_view method, std::string_view target,
                                   std::string_view host, const Headers& headers,
                                   std::string_view body);

}  // namespace orka::core
