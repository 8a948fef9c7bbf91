// SPDY/3 header blocks, both layers: the name/value block parser on any bytes, the inflate side
// on any compressed bytes (bounded however much they would expand), and any block surviving
// compression with the SPDY dictionary unchanged.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "transport/spdy_frame.hpp"

using namespace orka::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = orka_fuzz::as_text(data, size);

  if (auto headers = spdy_parse_header_block(bytes)) {
    for (const auto& [name, value] : *headers) ORKA_FUZZ_CHECK(!name.empty());
    auto again = spdy_parse_header_block(spdy_encode_header_block(*headers));
    ORKA_FUZZ_CHECK(again && *again == *headers);
  }

  // Peer-compressed bytes: a fresh session's inflate stream, then one primed by a real block.
  SpdyHeaderDecompressor fresh;
  if (auto block = fresh.decompress(bytes))
    ORKA_FUZZ_CHECK(block->size() <= SpdyHeaderDecompressor::kMaxBlockSize);

  SpdyHeaderCompressor compressor;
  SpdyHeaderDecompressor decompressor;
  auto first = compressor.compress(spdy_encode_header_block({{":status", "200"}}));
  ORKA_FUZZ_CHECK(first);
  auto first_back = decompressor.decompress(*first);
  ORKA_FUZZ_CHECK(first_back && *first_back == spdy_encode_header_block({{":status", "200"}}));
  auto compressed = compressor.compress(bytes);
  ORKA_FUZZ_CHECK(compressed);
  auto back = decompressor.decompress(*compressed);
  ORKA_FUZZ_CHECK(back && *back == bytes);
  return 0;
}
