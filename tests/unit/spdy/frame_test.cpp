// The SPDY/3.1 codec against byte vectors written out from the spec's frame layouts, a frame
// recorded from another implementation, and zlib used directly.
#include <zlib.h>

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "recorded_frames.hpp"
#include "transport/spdy_frame.hpp"

using namespace orka;
using namespace orka::core;

namespace {

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (unsigned value : values) out += static_cast<char>(value);
  return out;
}

// Decodes all frames in `wire`, feeding it in pieces of `piece` bytes.
std::vector<SpdyFrame> decode_all(std::string_view wire, std::size_t piece) {
  SpdyFrameDecoder decoder;
  std::vector<SpdyFrame> frames;
  for (std::size_t at = 0; at < wire.size(); at += piece) {
    decoder.feed(wire.substr(at, piece));
    for (;;) {
      auto frame = decoder.next();
      REQUIRE_MESSAGE(frame.has_value(), frame.error().message);
      if (!*frame) break;
      frames.push_back(std::move(**frame));
    }
  }
  CHECK(decoder.buffered() == 0);
  return frames;
}

Error decode_error(std::string_view wire) {
  SpdyFrameDecoder decoder;
  decoder.feed(wire);
  for (;;) {
    auto frame = decoder.next();
    if (!frame) return frame.error();
    REQUIRE_MESSAGE(frame->has_value(), "the input decoded without an error");
  }
}

// zlib used on its own: deflate with a preset dictionary, as any SPDY/3 peer does.
std::string independent_deflate(std::string_view block, std::string_view dictionary) {
  z_stream stream{};
  REQUIRE(deflateInit(&stream, 9) == Z_OK);
  REQUIRE(deflateSetDictionary(&stream, reinterpret_cast<const Bytef*>(dictionary.data()),
                               static_cast<uInt>(dictionary.size())) == Z_OK);
  std::string out(block.size() + 256, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.data()));
  stream.avail_in = static_cast<uInt>(block.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&stream, Z_SYNC_FLUSH) == Z_OK);
  out.resize(out.size() - stream.avail_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace

TEST_CASE("the SPDY/3 dictionary is the spec's 1423 bytes") {
  const std::string_view dictionary = spdy_header_dictionary();
  REQUIRE(dictionary.size() == 1423);
  CHECK(dictionary.substr(0, 11) == bytes({0, 0, 0, 7, 'o', 'p', 't', 'i', 'o', 'n', 's'}));
  CHECK(dictionary.ends_with(",enq=0."));
  // Every SPDY/3 header stream names this Adler-32 in its zlib header (0x38 0xea e3 c6 a7 c2 in
  // Chromium's and Firefox's frames).
  CHECK(adler32(adler32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(dictionary.data()),
                static_cast<uInt>(dictionary.size())) == 0xe3c6a7c2u);
}

TEST_CASE("a SYN_STREAM recorded from Firefox decodes with the right headers") {
  const auto frames = decode_all(recorded_firefox_syn_stream(), 1 << 20);
  REQUIRE(frames.size() == 1);
  const SpdyFrame& frame = frames[0];
  CHECK(frame.type == SpdyFrameType::SynStream);
  CHECK(frame.stream_id == 1);
  CHECK(frame.fin());
  CHECK(frame.headers.size() == 13);
  REQUIRE(spdy_find_header(frame.headers, ":host"));
  CHECK(*spdy_find_header(frame.headers, ":host") == "www.afrind.sb.facebook.com");
  CHECK(*spdy_find_header(frame.headers, ":path") == "/status.php");
  CHECK(*spdy_find_header(frame.headers, ":method") == "GET");
  CHECK(*spdy_find_header(frame.headers, "ACCEPT-LANGUAGE") == "en-US,en;q=0.8");
}

TEST_CASE("a header block deflated by zlib directly with the dictionary inflates") {
  const SpdyHeaders headers{{"streamtype", "data"}, {"port", "8080"}, {"requestid", "0"}};
  const std::string block = spdy_encode_header_block(headers);
  const std::string compressed = independent_deflate(block, spdy_header_dictionary());
  SpdyHeaderDecompressor decompressor;
  auto inflated = decompressor.decompress(compressed);
  REQUIRE_MESSAGE(inflated.has_value(), inflated.error().message);
  CHECK(*inflated == block);

  SUBCASE("a block primed with another dictionary is refused by name") {
    SpdyHeaderDecompressor fresh;
    auto wrong = fresh.decompress(independent_deflate(block, "not the spdy dictionary"));
    REQUIRE_FALSE(wrong.has_value());
    CHECK(wrong.error().message.find("not the SPDY/3 dictionary") != std::string::npos);
  }
}

TEST_CASE("the name/value block layout: 32-bit counts and lengths, names lowered") {
  const std::string block = spdy_encode_header_block({{"streamType", "error"}});
  CHECK(block == bytes({0, 0, 0, 1, 0, 0, 0, 10}) + "streamtype" + bytes({0, 0, 0, 5}) + "error");
  auto parsed = spdy_parse_header_block(block);
  REQUIRE(parsed.has_value());
  REQUIRE(parsed->size() == 1);
  CHECK((*parsed)[0].first == "streamtype");
  CHECK((*parsed)[0].second == "error");

  SUBCASE("malformed blocks name the problem") {
    auto truncated = spdy_parse_header_block(block.substr(0, block.size() - 1));
    REQUIRE_FALSE(truncated.has_value());
    CHECK(truncated.error().message.find("header value claims 5 bytes") != std::string::npos);
    auto trailing = spdy_parse_header_block(block + "x");
    REQUIRE_FALSE(trailing.has_value());
    CHECK(trailing.error().message.find("follow the last header") != std::string::npos);
    auto twice = spdy_parse_header_block(
        spdy_encode_header_block({{"port", "1"}, {"Port", "2"}}));
    REQUIRE_FALSE(twice.has_value());
    CHECK(twice.error().message.find("\"port\" appears twice") != std::string::npos);
    auto huge_count = spdy_parse_header_block(bytes({0xff, 0xff, 0xff, 0xff}));
    REQUIRE_FALSE(huge_count.has_value());
    CHECK(huge_count.error().kind == ErrorKind::Transport);
  }
}

TEST_CASE("control frames encode to the spec's byte layout") {
  std::string out;
  SUBCASE("PING") {
    SpdyFrameEncoder::ping(out, 1);
    CHECK(out == bytes({0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1}));
  }
  SUBCASE("RST_STREAM") {
    SpdyFrameEncoder::rst_stream(out, 5, SpdyRstStatus::Cancel);
    CHECK(out == bytes({0x80, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 5, 0, 0, 0, 5}));
  }
  SUBCASE("WINDOW_UPDATE") {
    SpdyFrameEncoder::window_update(out, 0, 0x00ff0000);
    CHECK(out == bytes({0x80, 0x03, 0x00, 0x09, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 0, 0x00, 0xff,
                        0x00, 0x00}));
  }
  SUBCASE("GOAWAY") {
    SpdyFrameEncoder::goaway(out, 7, SpdyGoAwayStatus::ProtocolError);
    CHECK(out == bytes({0x80, 0x03, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 7, 0, 0, 0, 1}));
  }
  SUBCASE("SETTINGS") {
    SpdyFrameEncoder::settings(out, {{0, kSpdySettingInitialWindowSize, 0x01000000}});
    CHECK(out == bytes({0x80, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0c, 0, 0, 0, 1, 0x00, 0x00,
                        0x00, 0x07, 0x01, 0x00, 0x00, 0x00}));
  }
  SUBCASE("DATA with FIN") {
    SpdyFrameEncoder::data(out, 3, kSpdyFlagFin, "hi");
    CHECK(out == bytes({0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x02, 'h', 'i'}));
  }
  const auto frames = decode_all(out, 1);
  REQUIRE(frames.size() == 1);
}

TEST_CASE("SYN_STREAM round-trips through the compressor and a fresh decoder") {
  SpdyFrameEncoder encoder;
  const SpdyHeaders first{{"streamtype", "error"}};
  const SpdyHeaders second{{"streamtype", "stdout"}, {"x-multi", std::string("a\0b", 3)}};
  std::string wire;
  REQUIRE(encoder.syn_stream(wire, 1, 0, first).has_value());
  const std::size_t first_size = wire.size();
  // Fixed part: control bit + version 3 + type 1, flags 0, then stream 1, associated 0,
  // priority 0, slot 0; then the zlib header (deflate, FDICT) and the dictionary's Adler-32.
  CHECK(wire.substr(0, 4) == bytes({0x80, 0x03, 0x00, 0x01}));
  CHECK(static_cast<unsigned char>(wire[4]) == 0);
  CHECK(((static_cast<unsigned char>(wire[5]) << 16) | (static_cast<unsigned char>(wire[6]) << 8) |
         static_cast<unsigned char>(wire[7])) == static_cast<int>(first_size - 8));
  CHECK(wire.substr(8, 10) == bytes({0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  CHECK((static_cast<unsigned char>(wire[18]) & 0x0f) == 8);     // CM = deflate
  CHECK((static_cast<unsigned char>(wire[19]) & 0x20) == 0x20);  // FDICT
  CHECK(wire.substr(20, 4) == bytes({0xe3, 0xc6, 0xa7, 0xc2}));

  REQUIRE(encoder.syn_stream(wire, 3, kSpdyFlagFin, second, 2).has_value());
  REQUIRE(encoder.headers(wire, 3, 0, {{"late", "yes"}}).has_value());
  REQUIRE(encoder.syn_reply(wire, 5, kSpdyFlagFin, {}).has_value());

  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{7}, wire.size()}) {
    CAPTURE(piece);
    const auto frames = decode_all(wire, piece);
    REQUIRE(frames.size() == 4);
    CHECK(frames[0].type == SpdyFrameType::SynStream);
    CHECK(frames[0].stream_id == 1);
    CHECK(frames[0].headers == first);
    CHECK(frames[1].stream_id == 3);
    CHECK(frames[1].fin());
    CHECK(frames[1].priority == 2);
    CHECK(frames[1].headers == second);
    CHECK(frames[2].type == SpdyFrameType::Headers);
    CHECK(frames[2].headers == SpdyHeaders{{"late", "yes"}});
    CHECK(frames[3].type == SpdyFrameType::SynReply);
    CHECK(frames[3].stream_id == 5);
    CHECK(frames[3].headers.empty());
  }
}

TEST_CASE("a mixed frame sequence decodes the same however the bytes are split") {
  SpdyFrameEncoder encoder;
  std::string wire;
  SpdyFrameEncoder::settings(wire, {{0, kSpdySettingInitialWindowSize, 1 << 20},
                                    {1, kSpdySettingMaxConcurrentStreams, 100}});
  REQUIRE(encoder.syn_reply(wire, 1, 0, {{"a", "b"}}).has_value());
  SpdyFrameEncoder::data(wire, 1, 0, std::string(70000, 'x'));
  SpdyFrameEncoder::data(wire, 1, kSpdyFlagFin, "");
  SpdyFrameEncoder::window_update(wire, 1, 1234);
  SpdyFrameEncoder::ping(wire, 2);
  SpdyFrameEncoder::rst_stream(wire, 3, SpdyRstStatus::RefusedStream);
  SpdyFrameEncoder::goaway(wire, 1, SpdyGoAwayStatus::Ok);

  for (std::size_t piece : {std::size_t{1}, std::size_t{5}, std::size_t{4096}, wire.size()}) {
    CAPTURE(piece);
    const auto frames = decode_all(wire, piece);
    REQUIRE(frames.size() == 8);
    REQUIRE(frames[0].settings.size() == 2);
    CHECK(frames[0].settings[0].id == kSpdySettingInitialWindowSize);
    CHECK(frames[0].settings[0].value == (1u << 20));
    CHECK(frames[0].settings[1].flags == 1);
    CHECK(frames[0].settings[1].value == 100);
    CHECK(frames[2].type == SpdyFrameType::Data);
    CHECK(frames[2].data == std::string(70000, 'x'));
    CHECK_FALSE(frames[2].fin());
    CHECK(frames[3].data.empty());
    CHECK(frames[3].fin());
    CHECK(frames[4].delta_window == 1234);
    CHECK(frames[5].ping_id == 2);
    CHECK(frames[6].status == static_cast<std::uint32_t>(SpdyRstStatus::RefusedStream));
    CHECK(frames[7].type == SpdyFrameType::GoAway);
    CHECK(frames[7].stream_id == 1);
  }
}

TEST_CASE("malformed frames are precise protocol errors") {
  SUBCASE("a SPDY/2 control frame") {
    const Error error =
        decode_error(bytes({0x80, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1}));
    CHECK(error.kind == ErrorKind::Transport);
    CHECK(error.message.find("SPDY/2 control frame") != std::string::npos);
  }
  SUBCASE("a PING of 5 bytes") {
    const Error error =
        decode_error(bytes({0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0}));
    CHECK(error.message.find("PING frame must carry 4 bytes, not 5") != std::string::npos);
  }
  SUBCASE("a SYN_STREAM shorter than its fixed fields") {
    const Error error =
        decode_error(bytes({0x80, 0x03, 0x00, 0x01, 0x01, 0x00, 0x00, 0x04, 'a', 'b', 'c', 'd'}));
    CHECK(error.message.find("shorter than its 10 fixed bytes") != std::string::npos);
  }
  SUBCASE("DATA on stream 0") {
    const Error error = decode_error(bytes({0, 0, 0, 0, 0, 0, 0, 1, 'x'}));
    CHECK(error.message.find("DATA frame names stream 0") != std::string::npos);
  }
  SUBCASE("RST_STREAM with status 0") {
    const Error error = decode_error(
        bytes({0x80, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 1, 0, 0, 0, 0}));
    CHECK(error.message.find("status 0") != std::string::npos);
  }
  SUBCASE("SETTINGS whose count disagrees with its length") {
    const Error error = decode_error(
        bytes({0x80, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0c, 0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 1, 0}));
    CHECK(error.message.find("announces 2 entries but carries 12 bytes") != std::string::npos);
  }
  SUBCASE("a header block that is not zlib") {
    const Error error = decode_error(bytes({0x80, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0, 0,
                                            0, 1, 0xde, 0xad, 0xbe, 0xef}));
    CHECK(error.message.find("SPDY header decompression failed") != std::string::npos);
  }
  SUBCASE("a frame over the decoder's limit") {
    SpdyFrameDecoder decoder(1024);
    decoder.feed(bytes({0, 0, 0, 1, 0, 0, 0x04, 0x01}));
    auto frame = decoder.next();
    REQUIRE_FALSE(frame.has_value());
    CHECK(frame.error().message.find("DATA frame of 1025 bytes exceeds the limit of 1024") !=
          std::string::npos);
  }
}

TEST_CASE("unknown control frame types are skipped") {
  std::string wire = bytes({0x80, 0x03, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x02, 0xd4, 0x74});
  SpdyFrameEncoder::ping(wire, 9);
  const auto frames = decode_all(wire, 1);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].type == SpdyFrameType::Ping);
  CHECK(frames[0].ping_id == 9);
}
