// Server-side framing written independently of the codec under test, so the tests do not
// check the codec against itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ws_test {

// An unmasked frame as a server sends it.
inline std::string server_frame(std::uint8_t opcode, std::string_view payload, bool fin = true) {
  std::string frame;
  frame += static_cast<char>((fin ? 0x80 : 0) | opcode);
  const std::uint64_t size = payload.size();
  if (size <= 125) {
    frame += static_cast<char>(size);
  } else if (size <= 65535) {
    frame += static_cast<char>(126);
    frame += static_cast<char>(size >> 8);
    frame += static_cast<char>(size & 0xFF);
  } else {
    frame += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((size >> shift) & 0xFF);
  }
  frame += payload;
  return frame;
}

inline std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string payload;
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xFF);
  payload += reason;
  return payload;
}

struct ClientFrame {
  bool fin = false;
  bool masked = false;
  std::uint8_t opcode = 0;
  std::string payload;  // unmasked
  std::size_t size = 0;  // bytes the frame took
};

// Parses one client frame from the front of `bytes`; size 0 when incomplete.
inline ClientFrame parse_client_frame(std::string_view bytes) {
  ClientFrame frame;
  if (bytes.size() < 2) return frame;
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  frame.fin = byte(0) & 0x80;
  frame.opcode = byte(0) & 0x0F;
  frame.masked = byte(1) & 0x80;
  std::uint64_t length = byte(1) & 0x7F;
  std::size_t position = 2;
  if (length == 126) {
    if (bytes.size() < 4) return frame;
    length = (std::uint64_t{byte(2)} << 8) | byte(3);
    position = 4;
  } else if (length == 127) {
    if (bytes.size() < 10) return frame;
    length = 0;
    for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | byte(i);
    position = 10;
  }
  unsigned char key[4] = {0, 0, 0, 0};
  if (frame.masked) {
    if (bytes.size() < position + 4) return frame;
    for (int i = 0; i < 4; ++i) key[i] = byte(position + i);
    position += 4;
  }
  if (bytes.size() < position + length) return frame;
  frame.payload.resize(length);
  for (std::size_t i = 0; i < length; ++i)
    frame.payload[i] = static_cast<char>(byte(position + i) ^ key[i % 4]);
  frame.size = position + length;
  return frame;
}

inline std::string pattern_bytes(std::size_t size, unsigned seed = 7) {
  std::string bytes(size, '\0');
  std::uint32_t state = seed * 2654435761u + 1;
  for (auto& c : bytes) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 24);
  }
  return bytes;
}

}  // namespace ws_test
