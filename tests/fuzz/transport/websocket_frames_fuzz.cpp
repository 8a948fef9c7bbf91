// Server → client WebSocket frames and message reassembly: the same messages, control frames
// and verdict however the bytes are cut; every message within the size limit; and frames
// written by the encoder (any opcode, payload, fragmentation) decode back to their payloads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "transport/websocket_frame.hpp"

using namespace orka::core;
using orka::WsOpcode;

namespace {

constexpr std::size_t kMaxMessage = 4096;

struct Decoded {
  std::vector<orka::WsMessage> messages;
  std::optional<std::string> error;
};

Decoded decode(const std::vector<std::string_view>& pieces) {
  WsFrameDecoder decoder(kMaxMessage);
  Decoded out;
  for (std::string_view piece : pieces) {
    auto fed = decoder.feed(piece);
    while (auto message = decoder.next()) {
      if (ws_is_control(message->opcode))
        ORKA_FUZZ_CHECK(message->payload.size() <= kWsMaxControlPayload);
      else
        ORKA_FUZZ_CHECK(message->payload.size() <= kMaxMessage);
      out.messages.push_back(std::move(*message));
    }
    if (!fed) {
      out.error = fed.error().message;
      // Once broken, always broken.
      ORKA_FUZZ_CHECK(!decoder.feed("\x81\x00"));
      break;
    }
  }
  return out;
}

bool same(const orka::WsMessage& a, const orka::WsMessage& b) {
  return a.opcode == b.opcode && a.payload == b.payload;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view wire = orka_fuzz::as_text(data, size);
  const auto cuts = orka_fuzz::cuts_from(wire);

  const auto [whole, split] = orka_fuzz::decode_whole_and_split(wire, decode);
  ORKA_FUZZ_CHECK(whole.error == split.error);
  ORKA_FUZZ_CHECK(orka_fuzz::all_same(whole.messages, split.messages, same));

  // The input as a message, fragmented at the cut sizes, with a Ping in between.
  std::string encoded;
  const auto fragments = orka_fuzz::pieces_of(wire, cuts);
  const WsOpcode opcode = size % 2 ? WsOpcode::Binary : WsOpcode::Text;
  for (std::size_t i = 0; i < fragments.size(); ++i) {
    encoded += ws_encode_frame(i == 0 ? opcode : WsOpcode::Continuation, fragments[i],
                               i + 1 == fragments.size(), std::nullopt);
    if (i == 0) encoded += ws_encode_frame(WsOpcode::Ping, wire.substr(0, 125), true, std::nullopt);
  }
  if (fragments.empty()) encoded += ws_encode_frame(opcode, "", true, std::nullopt);
  const Decoded round_trip = decode(orka_fuzz::pieces_of(encoded, cuts));
  if (wire.size() > kMaxMessage) {
    ORKA_FUZZ_CHECK(round_trip.error.has_value());
    return 0;
  }
  if (round_trip.error) std::fprintf(stderr, "round trip: %s\n", round_trip.error->c_str());
  ORKA_FUZZ_CHECK(!round_trip.error);
  // A Ping between fragments comes out first; one after a lone frame comes out second.
  const std::size_t data_index = fragments.size() > 1 ? 1 : 0;
  ORKA_FUZZ_CHECK(round_trip.messages.size() == (fragments.empty() ? 1u : 2u));
  ORKA_FUZZ_CHECK(round_trip.messages[data_index].opcode == opcode);
  ORKA_FUZZ_CHECK(round_trip.messages[data_index].payload == wire);

  // Masking in pieces equals masking at once, and twice is the identity.
  if (size > 0) {
    const WsMaskKey key{data[0], 0x5a, 0xc3, 0x17};
    std::string once(wire.size(), '\0');
    ws_mask_copy(once.data(), wire.data(), wire.size(), key);
    std::string pieces(wire.size(), '\0');
    std::size_t offset = 0;
    for (std::string_view piece : orka_fuzz::pieces_of(wire, cuts)) {
      ws_mask_copy(pieces.data() + offset, piece.data(), piece.size(), key, offset);
      offset += piece.size();
    }
    ORKA_FUZZ_CHECK(once == pieces);
    ws_mask_copy(once.data(), once.data(), once.size(), key);
    ORKA_FUZZ_CHECK(once == wire);
  }
  return 0;
}
