// The chunked decoder on server bytes: the same body, the same end and the same verdict however
// the bytes are cut and whatever room the caller offers; and any body, chunked at any sizes,
// decodes back to itself.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "transport/http_chunked.hpp"

using orka::core::ChunkedDecoder;

namespace {

struct Decoded {
  bool ok = true;
  bool finished = false;
  std::string body;
  std::size_t consumed = 0;
};

Decoded decode(const std::vector<std::string_view>& pieces, std::size_t room) {
  Decoded out;
  ChunkedDecoder decoder;
  std::vector<char> buffer(room);
  for (std::string_view piece : pieces) {
    while (!piece.empty() && !decoder.finished()) {
      auto step = decoder.decode(piece, buffer.data(), buffer.size());
      if (!step) {
        out.ok = false;
        return out;
      }
      ORKA_FUZZ_CHECK(step->consumed <= piece.size() && step->produced <= room);
      ORKA_FUZZ_CHECK(step->consumed > 0 || step->produced > 0);
      out.body.append(buffer.data(), step->produced);
      out.consumed += step->consumed;
      piece.remove_prefix(step->consumed);
    }
    if (decoder.finished()) break;
  }
  out.finished = decoder.finished();
  return out;
}

std::string chunk(std::string_view body, const std::vector<std::size_t>& cuts) {
  std::string wire;
  for (std::string_view piece : orka_fuzz::pieces_of(body, cuts))
    wire += fmt::format("{:x}\r\n{}\r\n", piece.size(), piece);
  wire += "0\r\n\r\n";
  return wire;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view wire = orka_fuzz::as_text(data, size);
  const auto cuts = orka_fuzz::cuts_from(wire);
  const std::size_t room = cuts.empty() || cuts[0] == 0 ? 4096 : cuts[0];

  const Decoded whole = decode({wire}, 65536);
  const Decoded split = decode(orka_fuzz::pieces_of(wire, cuts), room);
  ORKA_FUZZ_CHECK(whole.ok == split.ok);
  if (whole.ok) {
    ORKA_FUZZ_CHECK(whole.finished == split.finished);
    ORKA_FUZZ_CHECK(whole.body == split.body);
    ORKA_FUZZ_CHECK(whole.consumed == split.consumed);
  }

  const std::string rechunked = chunk(wire, cuts);
  const Decoded round_trip = decode(orka_fuzz::pieces_of(rechunked, cuts), room);
  ORKA_FUZZ_CHECK(round_trip.ok && round_trip.finished);
  ORKA_FUZZ_CHECK(round_trip.body == wire);
  ORKA_FUZZ_CHECK(round_trip.consumed == rechunked.size());
  return 0;
}
