// SPDY/3.1 frames from the kubelet or API server, including compressed header blocks: the same
// frames and verdict however the bytes are cut, each within the frame limit; and frames the
// encoder writes (headers compressed with the session's shared zlib stream) decode to what was
// encoded.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "transport/spdy_frame.hpp"

using namespace orka::core;

namespace {

constexpr std::uint32_t kMaxFrame = 64 * 1024;

struct Decoded {
  std::vector<SpdyFrame> frames;
  std::optional<std::string> error;
};

Decoded decode(const std::vector<std::string_view>& pieces) {
  SpdyFrameDecoder decoder(kMaxFrame);
  Decoded out;
  for (std::string_view piece : pieces) {
    decoder.feed(piece);
    for (;;) {
      auto frame = decoder.next();
      if (!frame) {
        out.error = frame.error().message;
        return out;
      }
      if (!frame->has_value()) break;
      ORKA_FUZZ_CHECK((*frame)->data.size() <= kMaxFrame);
      out.frames.push_back(std::move(**frame));
    }
    ORKA_FUZZ_CHECK(decoder.buffered() < kSpdyFrameHeaderSize + kMaxFrame);
  }
  return out;
}

bool same(const SpdyFrame& a, const SpdyFrame& b) {
  if (a.settings.size() != b.settings.size()) return false;
  for (std::size_t i = 0; i < a.settings.size(); ++i)
    if (a.settings[i].flags != b.settings[i].flags || a.settings[i].id != b.settings[i].id ||
        a.settings[i].value != b.settings[i].value)
      return false;
  return a.type == b.type && a.flags == b.flags && a.stream_id == b.stream_id &&
         a.associated_stream_id == b.associated_stream_id && a.priority == b.priority &&
         a.status == b.status && a.ping_id == b.ping_id && a.delta_window == b.delta_window &&
         a.headers == b.headers && a.data == b.data;
}

// Header pairs made from the input: names lower-case and unique, as the block format needs.
SpdyHeaders headers_from(std::string_view text) {
  SpdyHeaders headers;
  std::size_t index = 0;
  for (std::string_view piece : orka_fuzz::pieces_of(text, orka_fuzz::cuts_from(text))) {
    headers.emplace_back("h" + std::to_string(index++), std::string(piece));
    if (headers.size() == 16) break;
  }
  return headers;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view wire = orka_fuzz::as_text(data, size);
  const auto cuts = orka_fuzz::cuts_from(wire);

  const auto [whole, split] = orka_fuzz::decode_whole_and_split(wire, decode);
  ORKA_FUZZ_CHECK(whole.error == split.error);
  ORKA_FUZZ_CHECK(orka_fuzz::all_same(whole.frames, split.frames, same));

  // Encoder → decoder: three header frames share one zlib stream, so the third block refers
  // back to the first two.
  SpdyFrameEncoder encoder;
  std::string encoded;
  const SpdyHeaders headers = headers_from(wire);
  ORKA_FUZZ_CHECK(encoder.syn_stream(encoded, 1, kSpdyFlagFin, headers, 3));
  ORKA_FUZZ_CHECK(encoder.syn_reply(encoded, 2, 0, headers));
  SpdyFrameEncoder::data(encoded, 1, kSpdyFlagFin, wire.substr(0, kMaxFrame));
  SpdyFrameEncoder::ping(encoded, static_cast<std::uint32_t>(size));
  ORKA_FUZZ_CHECK(encoder.headers(encoded, 1, 0, headers));
  const Decoded round_trip = decode(orka_fuzz::pieces_of(encoded, cuts));
  ORKA_FUZZ_CHECK(!round_trip.error);
  ORKA_FUZZ_CHECK(round_trip.frames.size() == 5);
  ORKA_FUZZ_CHECK(round_trip.frames[0].type == SpdyFrameType::SynStream);
  ORKA_FUZZ_CHECK(round_trip.frames[0].priority == 3 && round_trip.frames[0].fin());
  ORKA_FUZZ_CHECK(round_trip.frames[0].headers == headers);
  ORKA_FUZZ_CHECK(round_trip.frames[1].headers == headers);
  ORKA_FUZZ_CHECK(round_trip.frames[2].data == wire.substr(0, kMaxFrame));
  ORKA_FUZZ_CHECK(round_trip.frames[3].ping_id == static_cast<std::uint32_t>(size));
  ORKA_FUZZ_CHECK(round_trip.frames[4].headers == headers);
  return 0;
}
