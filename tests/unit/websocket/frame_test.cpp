#include <doctest/doctest.h>

#include <vector>

#include "test_frames.hpp"
#include "transport/websocket_frame.hpp"

using namespace orka;
using namespace orka::core;
using ws_test::server_frame;

namespace {

std::string bytes_of(std::initializer_list<unsigned> values) {
  std::string out;
  for (unsigned v : values) out += static_cast<char>(v);
  return out;
}

std::vector<WsMessage> drain(WsFrameDecoder& decoder) {
  std::vector<WsMessage> messages;
  while (auto message = decoder.next()) messages.push_back(std::move(*message));
  return messages;
}

std::vector<WsMessage> decode_all(std::string_view stream, std::size_t piece) {
  WsFrameDecoder decoder;
  std::vector<WsMessage> messages;
  for (std::size_t i = 0; i < stream.size(); i += piece) {
    auto fed = decoder.feed(stream.substr(i, piece));
    REQUIRE(fed.has_value());
    for (auto& m : drain(decoder)) messages.push_back(std::move(m));
  }
  return messages;
}

Error decode_error(std::string_view stream, std::size_t max_message = kWsDefaultMaxMessageSize) {
  WsFrameDecoder decoder(max_message);
  auto fed = decoder.feed(stream);
  REQUIRE_FALSE(fed.has_value());
  return fed.error();
}

}  // namespace

TEST_CASE("RFC 6455 examples decode and encode") {
  WsFrameDecoder decoder;
  REQUIRE(decoder.feed(bytes_of({0x81, 0x05}) + "Hello").has_value());
  auto message = decoder.next();
  REQUIRE(message.has_value());
  CHECK(message->opcode == WsOpcode::Text);
  CHECK(message->payload == "Hello");
  CHECK_FALSE(decoder.next().has_value());

  // The RFC's masked "Hello" with key 37 fa 21 3d.
  const std::string masked =
      ws_encode_frame(WsOpcode::Text, "Hello", true, WsMaskKey{0x37, 0xfa, 0x21, 0x3d});
  CHECK(masked == bytes_of({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST_CASE("fragmented message with a ping in the middle") {
  const std::string stream = bytes_of({0x01, 0x03}) + "Hel" + bytes_of({0x89, 0x05}) + "Hello" +
                             bytes_of({0x80, 0x02}) + "lo";
  auto messages = decode_all(stream, stream.size());
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].opcode == WsOpcode::Ping);
  CHECK(messages[0].payload == "Hello");
  CHECK(messages[1].opcode == WsOpcode::Text);
  CHECK(messages[1].payload == "Hello");
}

TEST_CASE("any split of the byte stream decodes the same messages") {
  const std::string binary300 = ws_test::pattern_bytes(300);
  std::string stream;
  stream += server_frame(0x2, "first");
  stream += server_frame(0x1, "frag-", false);
  stream += server_frame(0x9, "ping!");
  stream += server_frame(0x0, "ment-", false);
  stream += server_frame(0xA, "");
  stream += server_frame(0x0, "ed", true);
  stream += server_frame(0x2, "");
  stream += server_frame(0x2, binary300);
  stream += server_frame(0x8, ws_test::close_payload(1000, "bye"));

  auto check = [&](const std::vector<WsMessage>& messages) {
    REQUIRE(messages.size() == 7);
    CHECK(messages[0].payload == "first");
    CHECK(messages[1].opcode == WsOpcode::Ping);
    CHECK(messages[1].payload == "ping!");
    CHECK(messages[2].opcode == WsOpcode::Pong);
    CHECK(messages[3].opcode == WsOpcode::Text);
    CHECK(messages[3].payload == "frag-ment-ed");
    CHECK(messages[4].opcode == WsOpcode::Binary);
    CHECK(messages[4].payload.empty());
    CHECK(messages[5].payload == binary300);
    CHECK(messages[6].opcode == WsOpcode::Close);
    const WsCloseInfo info = ws_parse_close_payload(messages[6].payload);
    CHECK(info.code == 1000);
    CHECK(info.reason == "bye");
  };

  for (std::size_t split = 0; split <= stream.size(); ++split) {
    CAPTURE(split);
    WsFrameDecoder decoder;
    std::vector<WsMessage> messages;
    REQUIRE(decoder.feed(std::string_view(stream).substr(0, split)).has_value());
    for (auto& m : drain(decoder)) messages.push_back(std::move(m));
    REQUIRE(decoder.feed(std::string_view(stream).substr(split)).has_value());
    for (auto& m : drain(decoder)) messages.push_back(std::move(m));
    check(messages);
  }
  check(decode_all(stream, 1));
  check(decode_all(stream, 7));
}

TEST_CASE("length encodings at the 7/16/64-bit boundaries") {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{125}, std::size_t{126},
                           std::size_t{127}, std::size_t{65535}, std::size_t{65536},
                           std::size_t{(1u << 20) + 3}}) {
    CAPTURE(size);
    const std::string payload = ws_test::pattern_bytes(size, static_cast<unsigned>(size));
    const WsMaskKey key{0xA1, 0x02, 0xF3, 0x44};
    const std::string frame = ws_encode_frame(WsOpcode::Binary, payload, true, key);

    const unsigned char length7 = static_cast<unsigned char>(frame[1]) & 0x7F;
    CHECK((static_cast<unsigned char>(frame[1]) & 0x80) != 0);  // client frames are masked
    if (size < 126) {
      CHECK(length7 == size);
      CHECK(frame.size() == 2 + 4 + size);
    } else if (size <= 65535) {
      CHECK(length7 == 126);
      CHECK(frame.size() == 4 + 4 + size);
    } else {
      CHECK(length7 == 127);
      CHECK(frame.size() == 10 + 4 + size);
    }
    const ws_test::ClientFrame parsed = ws_test::parse_client_frame(frame);
    REQUIRE(parsed.size == frame.size());
    CHECK(parsed.fin);
    CHECK(parsed.opcode == 0x2);
    CHECK(parsed.payload == payload);
    if (size >= 16) {
      const std::string_view masked_part = std::string_view(frame).substr(frame.size() - size);
      CHECK(masked_part != payload);
    }

    // The server-side (unmasked) encoding of the same length decodes to the payload.
    const std::string server = server_frame(0x2, payload);
    CHECK(ws_encode_frame(WsOpcode::Binary, payload, true, std::nullopt) == server);
    auto messages = decode_all(server, 4096);
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].payload == payload);
  }
}

// Found by tests/fuzz/transport/websocket_frames: libstdc++ 12's resize_and_overwrite hands the
// callback the new capacity, and frames of 16 to 29 bytes came out with the rest of the buffer
// appended (a 2-byte header + 14-byte payload was 30 bytes on the wire).
TEST_CASE("an encoded frame is exactly header and payload, at every small size") {
  for (std::size_t size = 0; size <= 140; ++size) {
    CAPTURE(size);
    const std::string payload = ws_test::pattern_bytes(size, static_cast<unsigned>(size) + 1);
    const std::size_t length_bytes = size < 126 ? 2 : 4;
    const std::string plain = ws_encode_frame(WsOpcode::Binary, payload, true, std::nullopt);
    CHECK(plain.size() == length_bytes + size);
    CHECK(plain == server_frame(0x2, payload));
    const std::string masked =
        ws_encode_frame(WsOpcode::Ping, payload.substr(0, 125), true, WsMaskKey{1, 2, 3, 4});
    CHECK(masked.size() == 2 + 4 + std::min<std::size_t>(size, 125));  // control: at most 125
  }
}

TEST_CASE("masking in pieces at any offset equals masking at once") {
  const std::string payload = ws_test::pattern_bytes(1000);
  const WsMaskKey key{0x10, 0x32, 0x54, 0x76};
  std::string whole(payload.size(), '\0');
  ws_mask_copy(whole.data(), payload.data(), payload.size(), key);
  for (std::size_t i = 0; i < payload.size(); ++i)
    REQUIRE(static_cast<unsigned char>(whole[i]) ==
            (static_cast<unsigned char>(payload[i]) ^ key[i % 4]));
  for (std::size_t split : {1u, 2u, 3u, 5u, 8u, 31u, 33u, 999u}) {
    std::string pieces = payload;
    ws_mask_copy(pieces.data(), pieces.data(), split, key, 0);  // in place
    ws_mask_copy(pieces.data() + split, pieces.data() + split, payload.size() - split, key, split);
    CHECK(pieces == whole);
  }
  // Masking twice restores the payload.
  std::string back(payload.size(), '\0');
  ws_mask_copy(back.data(), whole.data(), whole.size(), key);
  CHECK(back == payload);
}

TEST_CASE("close payloads and codes") {
  CHECK(ws_close_payload(1000, "done") == ws_test::close_payload(1000, "done"));
  const WsCloseInfo empty = ws_parse_close_payload("");
  CHECK(empty.code == 1005);
  const std::string custom = ws_test::close_payload(4000, "custom");
  const WsCloseInfo parsed = ws_parse_close_payload(custom);
  CHECK(parsed.code == 4000);
  CHECK(parsed.reason == "custom");

  // A reason longer than fits is cut, never inside a UTF-8 sequence.
  std::string long_reason(122, 'x');
  long_reason += "\xC3\xA9\xC3\xA9";  // "éé" crosses the 123-byte limit
  const std::string cut = ws_close_payload(1001, long_reason);
  CHECK(cut.size() <= 125);
  CHECK(cut.size() == 2 + 122);

  auto messages = decode_all(server_frame(0x8, ""), 100);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].opcode == WsOpcode::Close);
  CHECK(decode_all(server_frame(0x8, ws_test::close_payload(3000)), 100).size() == 1);

  CHECK(decode_error(server_frame(0x8, "x")).message.find("1-byte") != std::string::npos);
  CHECK(decode_error(server_frame(0x8, ws_test::close_payload(1005))).message.find("1005") !=
        std::string::npos);
  CHECK(decode_error(server_frame(0x8, ws_test::close_payload(999))).kind == ErrorKind::Transport);
  CHECK(decode_error(server_frame(0x8, ws_test::close_payload(2000))).kind == ErrorKind::Transport);
}

TEST_CASE("protocol errors") {
  SUBCASE("masked frame from the server") {
    CHECK(decode_error(bytes_of({0x82, 0x81, 1, 2, 3, 4, 5})).message.find("masked") !=
          std::string::npos);
  }
  SUBCASE("reserved bits") {
    CHECK(decode_error(bytes_of({0xC2, 0x00})).message.find("reserved") != std::string::npos);
    CHECK(decode_error(bytes_of({0x92, 0x00})).kind == ErrorKind::Transport);
  }
  SUBCASE("oversized control frame") {
    std::string frame = bytes_of({0x89, 0x7E, 0x00, 0x7E}) + std::string(126, 'p');
    CHECK(decode_error(frame).message.find("125") != std::string::npos);
  }
  SUBCASE("fragmented control frame") {
    CHECK(decode_error(bytes_of({0x09, 0x00})).message.find("fragmented") != std::string::npos);
  }
  SUBCASE("unknown opcode") {
    CHECK(decode_error(bytes_of({0x83, 0x00})).message.find("opcode") != std::string::npos);
    CHECK(decode_error(bytes_of({0x8B, 0x00})).kind == ErrorKind::Transport);
  }
  SUBCASE("continuation without a message") {
    CHECK(decode_error(server_frame(0x0, "x")).message.find("continuation") != std::string::npos);
  }
  SUBCASE("new message inside a fragmented one") {
    CHECK(decode_error(server_frame(0x2, "a", false) + server_frame(0x2, "b"))
              .message.find("before finishing") != std::string::npos);
  }
  SUBCASE("64-bit length with the top bit set") {
    CHECK(decode_error(bytes_of({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1})).kind ==
          ErrorKind::Transport);
  }
  SUBCASE("message larger than the limit, also across fragments") {
    CHECK(decode_error(server_frame(0x2, std::string(200, 'x')), 100).message.find("limit") !=
          std::string::npos);
    CHECK(decode_error(server_frame(0x2, std::string(60, 'x'), false) +
                           server_frame(0x0, std::string(60, 'x')),
                       100)
              .message.find("limit") != std::string::npos);
  }
  SUBCASE("errors are sticky") {
    WsFrameDecoder decoder;
    CHECK_FALSE(decoder.feed(bytes_of({0xC2, 0x00})).has_value());
    CHECK_FALSE(decoder.feed(server_frame(0x2, "fine")).has_value());
    CHECK_FALSE(decoder.next().has_value());
  }
}
