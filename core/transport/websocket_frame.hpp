// RFC 6455 framing for a WebSocket client: a pure encoder (client frames are masked) and an
// incremental decoder that accepts bytes in any split. No I/O. Internal to liborka.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "orka/client.hpp"
#include "orka/error.hpp"

namespace orka::core {

using WsMaskKey = std::array<std::uint8_t, 4>;

inline constexpr std::size_t kWsMaxHeaderSize = 14;          // 2 + 8 (length) + 4 (mask key)
inline constexpr std::size_t kWsMaxControlPayload = 125;
// The largest message a Kubernetes peer sends: the SPDY-in-WebSocket tunnel puts one SPDY frame
// write in a message, and a SPDY frame is at most 16 MiB (24-bit length) plus its 8-byte
// header; exec and port-forward channel messages are a read buffer (32 KiB) long. 32 MiB is
// twice the tunnel's largest, so no real message comes near it, and memory stays bounded.
inline constexpr std::size_t kWsDefaultMaxMessageSize = 32u << 20;

// XORs `size` bytes of `source` with the key into `target` (which may equal `source`).
// `key_offset` is the payload position of source[0], so a payload can be masked in pieces.
void ws_mask_copy(char* target, const char* source, std::size_t size, const WsMaskKey& key,
                  std::size_t key_offset = 0) noexcept;

// Writes a frame header into `out` (at least kWsMaxHeaderSize bytes); returns its length.
// With a key the header carries the MASK bit and the key (client → server frames).
std::size_t ws_write_frame_header(char* out, WsOpcode opcode, bool fin, std::uint64_t payload_size,
                                  const std::optional<WsMaskKey>& key) noexcept;

// A whole frame: header + payload, masked when a key is given (one allocation, one pass).
std::string ws_encode_frame(WsOpcode opcode, std::string_view payload, bool fin,
                            const std::optional<WsMaskKey>& key);

inline bool ws_is_control(WsOpcode opcode) {
  return (static_cast<std::uint8_t>(opcode) & 0x8) != 0;
}

// A Close frame's payload: 2 bytes big-endian code + UTF-8 reason (reason cut to fit 125 bytes).
std::string ws_close_payload(std::uint16_t code, std::string_view reason);

struct WsCloseInfo {
  std::uint16_t code = 1005;  // 1005 "no status received": the payload was empty
  std::string_view reason;
};
// Splits a Close payload; a 1-byte payload yields code 1002 (protocol error).
WsCloseInfo ws_parse_close_payload(std::string_view payload);

// Incremental decoder of server → client frames. Data messages come out whole (fragments
// reassembled); control frames (Ping, Pong, Close) come out as they arrive, even in the middle
// of a fragmented message. After an error every later feed() fails with the same error.
class WsFrameDecoder {
 public:
  explicit WsFrameDecoder(std::size_t max_message_size = kWsDefaultMaxMessageSize);

  // Consumes all of `bytes`. Payload bytes are copied once, straight into the message.
  Result<void> feed(std::string_view bytes);

  // The next decoded message or control frame, in arrival order.
  std::optional<WsMessage> next();
  bool has_next() const { return !ready_.empty(); }

 private:
  Result<void> begin_frame();
  Result<void> end_frame();
  Result<void> protocol_error(std::string message);

  std::size_t max_message_size_;
  std::optional<Error> error_;

  // The header being read.
  std::array<unsigned char, kWsMaxHeaderSize> header_{};
  std::size_t header_have_ = 0;
  std::size_t header_need_ = 2;
  bool in_payload_ = false;

  // The frame whose payload is being read.
  WsOpcode frame_opcode_ = WsOpcode::Binary;
  bool frame_fin_ = false;
  std::uint64_t frame_remaining_ = 0;
  std::string control_payload_;

  // The data message being assembled (possibly across fragments).
  bool in_message_ = false;
  WsOpcode message_opcode_ = WsOpcode::Binary;
  std::string message_;

  std::deque<WsMessage> ready_;
};

}  // namespace orka::core
