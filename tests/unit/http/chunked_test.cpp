#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "transport/http_chunked.hpp"

using orka::core::ChunkedDecoder;

namespace {

// Feeds `wire` in pieces of `piece` bytes into an output buffer of `out_size` bytes and
// returns the decoded body; `rest` receives the bytes after the body.
std::string decode_all(std::string_view wire, std::size_t piece, std::size_t out_size,
                       std::string* rest = nullptr) {
  ChunkedDecoder decoder;
  std::string body;
  std::vector<char> out(out_size);
  std::size_t pos = 0;
  while (pos < wire.size() && !decoder.finished()) {
    std::string_view input = wire.substr(pos, piece);
    while (!input.empty() && !decoder.finished()) {
      auto step = decoder.decode(input, out.data(), out.size());
      REQUIRE(step);
      body.append(out.data(), step->produced);
      input.remove_prefix(step->consumed);
      pos += step->consumed;
      if (step->consumed == 0 && step->produced == 0) FAIL("no progress");
    }
  }
  CHECK(decoder.finished());
  if (rest != nullptr) *rest = std::string(wire.substr(pos));
  return body;
}

const std::string kWire =
    "5\r\nhello\r\n"
    "1A;name=\"value\"\r\nabcdefghijklmnopqrstuvwxyz\r\n"
    "0\r\n"
    "Trailer-A: 1\r\n"
    "\r\n"
    "NEXT";

}  // namespace

TEST_CASE("chunked decoding is independent of how the bytes are split") {
  for (std::size_t piece = 1; piece <= kWire.size(); ++piece) {
    for (std::size_t out_size : {std::size_t{1}, std::size_t{3}, std::size_t{64}}) {
      std::string rest;
      CHECK_MESSAGE(decode_all(kWire, piece, out_size, &rest) == "helloabcdefghijklmnopqrstuvwxyz",
                    "piece " << piece << " out " << out_size);
      CHECK(rest == "NEXT");
    }
  }
}

TEST_CASE("chunked decoding: split at every single position in two parts") {
  for (std::size_t cut = 0; cut <= kWire.size(); ++cut) {
    ChunkedDecoder decoder;
    std::string body;
    char out[128];
    std::size_t used = 0;
    for (std::string_view part : {std::string_view(kWire).substr(0, cut),
                                  std::string_view(kWire).substr(cut)}) {
      while (!part.empty() && !decoder.finished()) {
        auto step = decoder.decode(part, out, sizeof out);
        REQUIRE(step);
        body.append(out, step->produced);
        part.remove_prefix(step->consumed);
        used += step->consumed;
      }
    }
    CHECK(decoder.finished());
    CHECK(body == "helloabcdefghijklmnopqrstuvwxyz");
    CHECK(kWire.substr(used) == "NEXT");
  }
}

TEST_CASE("chunked decoding accepts bare LF line ends and upper-case hex") {
  CHECK(decode_all("A\nabcdefghij\n0\n\n", 4, 16) == "abcdefghij");
}

TEST_CASE("data_remaining and skip_data let a caller read chunk data directly") {
  ChunkedDecoder decoder;
  char out[4];
  auto step = decoder.decode("10\r\nabcd", out, sizeof out);
  REQUIRE(step);
  CHECK(step->produced == 4);
  CHECK(decoder.data_remaining() == 12);
  decoder.skip_data(12);  // the caller read those 12 bytes itself
  CHECK(decoder.data_remaining() == 0);
  step = decoder.decode("\r\n0\r\n\r\n", out, sizeof out);
  REQUIRE(step);
  CHECK(step->produced == 0);
  CHECK(decoder.finished());
}

TEST_CASE("malformed chunked bodies are Transport errors") {
  for (const char* bad : {"g\r\n", "\r\n", "3\r\nabcX\r\n", "3\r\nabc\rX", "3\rX",
                          "FFFFFFFFFFFFFFFFFF\r\n", "0\r\n\rX"}) {
    ChunkedDecoder decoder;
    char out[16];
    std::string_view input = bad;
    bool failed = false;
    while (!input.empty() && !decoder.finished()) {
      auto step = decoder.decode(input, out, sizeof out);
      if (!step) {
        CHECK(step.error().kind == orka::ErrorKind::Transport);
        failed = true;
        break;
      }
      input.remove_prefix(step->consumed);
    }
    CHECK_MESSAGE(failed, bad);
  }
}
