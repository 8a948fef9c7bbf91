// RFC 6455 frame encoder and incremental decoder.
#include "transport/websocket_frame.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace orka::core {

void ws_mask_copy(char* target, const char* source, std::size_t size, const WsMaskKey& key,
                  std::size_t key_offset) noexcept {
  // The key repeated over a 64-bit word, rotated so byte 0 lines up with key_offset; the body
  // is then XORed a word at a time (the compiler vectorises the loop).
  unsigned char pattern[8];
  for (std::size_t i = 0; i < 8; ++i) pattern[i] = key[(key_offset + i) & 3];
  std::uint64_t word_key;
  std::memcpy(&word_key, pattern, 8);
  std::size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    std::uint64_t words[4];
    std::memcpy(words, source + i, 32);
    words[0] ^= word_key;
    words[1] ^= word_key;
    words[2] ^= word_key;
    words[3] ^= word_key;
    std::memcpy(target + i, words, 32);
  }
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, source + i, 8);
    word ^= word_key;
    std::memcpy(target + i, &word, 8);
  }
  for (; i < size; ++i) target[i] = static_cast<char>(source[i] ^ pattern[i & 7]);
}

std::size_t ws_write_frame_header(char* out, WsOpcode opcode, bool fin, std::uint64_t payload_size,
                                  const std::optional<WsMaskKey>& key) noexcept {
  auto* bytes = reinterpret_cast<unsigned char*>(out);
  bytes[0] = static_cast<unsigned char>((fin ? 0x80 : 0x00) | static_cast<std::uint8_t>(opcode));
  const unsigned char mask_bit = key ? 0x80 : 0x00;
  std::size_t length = 2;
  if (payload_size < 126) {
    bytes[1] = static_cast<unsigned char>(mask_bit | payload_size);
  } else if (payload_size <= 0xFFFF) {
    bytes[1] = mask_bit | 126;
    bytes[2] = static_cast<unsigned char>(payload_size >> 8);
    bytes[3] = static_cast<unsigned char>(payload_size);
    length = 4;
  } else {
    bytes[1] = mask_bit | 127;
    for (int i = 0; i < 8; ++i)
      bytes[2 + i] = static_cast<unsigned char>(payload_size >> (8 * (7 - i)));
    length = 10;
  }
  if (key) {
    std::memcpy(bytes + length, key->data(), 4);
    length += 4;
  }
  return length;
}

std::string ws_encode_frame(WsOpcode opcode, std::string_view payload, bool fin,
                            const std::optional<WsMaskKey>& key) {
  char header[kWsMaxHeaderSize];
  const std::size_t header_size = ws_write_frame_header(header, opcode, fin, payload.size(), key);
  const std::size_t frame_size = header_size + payload.size();
  std::string frame;
  // The callback returns the size it wrote, never the one it is handed: libstdc++ 12 hands over
  // the new capacity instead of the size asked for (a 16-byte frame got 14 bytes of whatever was
  // in the buffer appended; found by tests/fuzz/transport/websocket_frames).
  frame.resize_and_overwrite(frame_size, [&](char* out, std::size_t) {
    std::memcpy(out, header, header_size);
    if (key)
      ws_mask_copy(out + header_size, payload.data(), payload.size(), *key);
    else if (!payload.empty())
      std::memcpy(out + header_size, payload.data(), payload.size());
    return frame_size;
  });
  return frame;
}

std::string ws_close_payload(std::uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  std::size_t keep = std::min(reason.size(), kWsMaxControlPayload - 2);
  // Never cut a UTF-8 sequence in half: back off continuation bytes.
  if (keep < reason.size())
    while (keep > 0 && (static_cast<unsigned char>(reason[keep]) & 0xC0) == 0x80) --keep;
  payload.append(reason.substr(0, keep));
  return payload;
}

WsCloseInfo ws_parse_close_payload(std::string_view payload) {
  if (payload.empty()) return {};
  if (payload.size() == 1) return {1002, {}};
  const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                               static_cast<unsigned char>(payload[1]));
  return {code, payload.substr(2)};
}

namespace {

bool valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;  // registered and private-use codes
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

bool known_opcode(std::uint8_t opcode) {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}

}  // namespace

WsFrameDecoder::WsFrameDecoder(std::size_t max_message_size)
    : max_message_size_(max_message_size) {}

Result<void> WsFrameDecoder::protocol_error(std::string message) {
  error_ = make_error(ErrorKind::Transport, "WebSocket protocol error: " + std::move(message));
  return std::unexpected(*error_);
}

Result<void> WsFrameDecoder::feed(std::string_view bytes) {
  if (error_) return std::unexpected(*error_);
  while (!bytes.empty()) {
    if (!in_payload_) {
      const std::size_t take = std::min(header_need_ - header_have_, bytes.size());
      std::memcpy(header_.data() + header_have_, bytes.data(), take);
      header_have_ += take;
      bytes.remove_prefix(take);
      if (header_have_ < header_need_) break;
      if (auto started = begin_frame(); !started) return started;
      continue;
    }
    const std::size_t take =
        static_cast<std::size_t>(std::min<std::uint64_t>(frame_remaining_, bytes.size()));
    if (ws_is_control(frame_opcode_))
      control_payload_.append(bytes.data(), take);
    else
      message_.append(bytes.data(), take);
    frame_remaining_ -= take;
    bytes.remove_prefix(take);
    if (frame_remaining_ == 0)
      if (auto ended = end_frame(); !ended) return ended;
  }
  return {};
}

// Called each time header_need_ bytes are in; either asks for more header bytes or starts the
// payload.
Result<void> WsFrameDecoder::begin_frame() {
  const unsigned char first = header_[0];
  const unsigned char second = header_[1];
  if (header_have_ == 2) {
    if (first & 0x70)
      return protocol_error(
          "the server set reserved bits (RSV1-3) although no extension was negotiated");
    if (second & 0x80) return protocol_error("the server masked a frame (servers must not mask)");
    const std::uint8_t opcode = first & 0x0F;
    if (!known_opcode(opcode))
      return protocol_error(fmt::format("the server sent unknown opcode 0x{:X}", opcode));
    const unsigned char length7 = second & 0x7F;
    if (opcode & 0x8) {
      if (!(first & 0x80)) return protocol_error("the server fragmented a control frame");
      if (length7 > kWsMaxControlPayload)
        return protocol_error("the server sent a control frame longer than 125 bytes");
    }
    if (length7 == 126) header_need_ = 4;
    if (length7 == 127) header_need_ = 10;
    if (header_need_ > 2) return {};
  }
  std::uint64_t length = header_[1] & 0x7F;
  if (header_need_ == 4) {
    length = (std::uint64_t{header_[2]} << 8) | header_[3];
  } else if (header_need_ == 10) {
    length = 0;
    for (int i = 0; i < 8; ++i) length = (length << 8) | header_[2 + i];
    if (length >> 63) return protocol_error("the server sent a frame length with the top bit set");
  }

  frame_opcode_ = static_cast<WsOpcode>(first & 0x0F);
  frame_fin_ = (first & 0x80) != 0;
  frame_remaining_ = length;
  header_have_ = 0;
  header_need_ = 2;

  if (ws_is_control(frame_opcode_)) {
    control_payload_.clear();
  } else if (frame_opcode_ == WsOpcode::Continuation) {
    if (!in_message_)
      return protocol_error("the server sent a continuation frame outside a fragmented message");
  } else {
    if (in_message_)
      return protocol_error("the server began a new message before finishing a fragmented one");
    in_message_ = true;
    message_opcode_ = frame_opcode_;
    message_.clear();
  }
  if (!ws_is_control(frame_opcode_)) {
    if (length > max_message_size_ - message_.size())
      return protocol_error(fmt::format("a message exceeds the {} byte limit", max_message_size_));
    // Reserve for a first frame only: continuations grow geometrically, and a header alone
    // must not make us allocate a huge buffer.
    if (frame_opcode_ != WsOpcode::Continuation)
      message_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(length, 16u << 20)));
  }
  in_payload_ = true;
  if (frame_remaining_ == 0) return end_frame();
  return {};
}

Result<void> WsFrameDecoder::end_frame() {
  in_payload_ = false;
  if (ws_is_control(frame_opcode_)) {
    if (frame_opcode_ == WsOpcode::Close && !control_payload_.empty()) {
      if (control_payload_.size() == 1)
        return protocol_error("the server sent a close frame with a 1-byte payload");
      const WsCloseInfo info = ws_parse_close_payload(control_payload_);
      if (!valid_close_code(info.code))
        return protocol_error(fmt::format("the server sent invalid close code {}", info.code));
    }
    ready_.push_back(WsMessage{frame_opcode_, std::move(control_payload_)});
    control_payload_ = std::string();
    return {};
  }
  if (frame_fin_) {
    ready_.push_back(WsMessage{message_opcode_, std::move(message_)});
    message_ = std::string();
    in_message_ = false;
  }
  return {};
}

std::optional<WsMessage> WsFrameDecoder::next() {
  if (ready_.empty()) return std::nullopt;
  WsMessage message = std::move(ready_.front());
  ready_.pop_front();
  return message;
}

}  // namespace orka::core
