// zlib streams for SPDY/3 header blocks: one deflate and one inflate per session, primed with the
// SPDY/3 dictionary and flushed with Z_SYNC_FLUSH after every block.
#include <zlib.h>

#include <fmt/format.h>

#include "transport/spdy_frame.hpp"

namespace orka::core {
namespace {

Error zlib_error(std::string_view what, int code, const z_stream& stream) {
  return make_error(ErrorKind::Transport,
                    fmt::format("SPDY header {} failed: zlib error {} ({})", what, code,
                                stream.msg ? stream.msg : "no detail"));
}

const Bytef* dictionary_bytes() {
  return reinterpret_cast<const Bytef*>(spdy_header_dictionary().data());
}

uInt dictionary_size() { return static_cast<uInt>(spdy_header_dictionary().size()); }

}  // namespace

struct SpdyHeaderCompressor::State {
  z_stream stream{};
  int init = Z_STREAM_ERROR;
  ~State() {
    if (init == Z_OK) deflateEnd(&stream);
  }
};

SpdyHeaderCompressor::SpdyHeaderCompressor() : state_(std::make_unique<State>()) {
  state_->init = deflateInit(&state_->stream, Z_DEFAULT_COMPRESSION);
  if (state_->init == Z_OK) {
    const int primed = deflateSetDictionary(&state_->stream, dictionary_bytes(), dictionary_size());
    if (primed != Z_OK) {
      deflateEnd(&state_->stream);
      state_->init = primed;
    }
  }
}

SpdyHeaderCompressor::~SpdyHeaderCompressor() = default;

Result<std::string> SpdyHeaderCompressor::compress(std::string_view block) {
  z_stream& stream = state_->stream;
  if (state_->init != Z_OK) return fail(zlib_error("compression setup", state_->init, stream));
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.data()));
  stream.avail_in = static_cast<uInt>(block.size());
  do {
    const std::size_t used = out.size();
    out.resize(used + deflateBound(&stream, stream.avail_in) + 64);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    stream.avail_out = static_cast<uInt>(out.size() - used);
    const int code = deflate(&stream, Z_SYNC_FLUSH);
    if (code != Z_OK && code != Z_BUF_ERROR) return fail(zlib_error("compression", code, stream));
    out.resize(out.size() - stream.avail_out);
    // A sync flush is complete once deflate leaves output space unused.
  } while (stream.avail_out == 0 || stream.avail_in > 0);
  return out;
}

struct SpdyHeaderDecompressor::State {
  z_stream stream{};
  int init = Z_STREAM_ERROR;
  ~State() {
    if (init == Z_OK) inflateEnd(&stream);
  }
};

SpdyHeaderDecompressor::SpdyHeaderDecompressor() : state_(std::make_unique<State>()) {
  state_->init = inflateInit(&state_->stream);
}

SpdyHeaderDecompressor::~SpdyHeaderDecompressor() = default;

Result<std::string> SpdyHeaderDecompressor::decompress(std::string_view compressed) {
  z_stream& stream = state_->stream;
  if (state_->init != Z_OK) return fail(zlib_error("decompression setup", state_->init, stream));
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  char chunk[16 * 1024];
  while (stream.avail_in > 0) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    int code = inflate(&stream, Z_SYNC_FLUSH);
    if (code == Z_NEED_DICT) {
      if (stream.adler != adler32(adler32(0L, Z_NULL, 0), dictionary_bytes(), dictionary_size()))
        return fail(make_error(
            ErrorKind::Transport,
            fmt::format("SPDY header decompression failed: the peer's header block names zlib "
                        "dictionary {:#010x}, not the SPDY/3 dictionary",
                        stream.adler)));
      code = inflateSetDictionary(&stream, dictionary_bytes(), dictionary_size());
      if (code != Z_OK) return fail(zlib_error("decompression", code, stream));
      continue;
    }
    if (code == Z_STREAM_END)
      return fail(make_error(ErrorKind::Transport,
                             "SPDY header decompression failed: the peer ended its zlib stream"));
    if (code != Z_OK && code != Z_BUF_ERROR) return fail(zlib_error("decompression", code, stream));
    const std::size_t produced = sizeof chunk - stream.avail_out;
    if (out.size() + produced > kMaxBlockSize)
      return fail(make_error(
          ErrorKind::Transport,
          fmt::format("SPDY header decompression failed: a header block inflates past {} bytes",
                      kMaxBlockSize)));
    out.append(chunk, produced);
    if (code == Z_BUF_ERROR && produced == 0) break;  // no progress: input ends mid-block
  }
  // Output zlib still holds back once the input is used up.
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    const int code = inflate(&stream, Z_SYNC_FLUSH);
    const std::size_t produced = sizeof chunk - stream.avail_out;
    if (code != Z_OK && code != Z_BUF_ERROR && code != Z_STREAM_END)
      return fail(zlib_error("decompression", code, stream));
    if (out.size() + produced > kMaxBlockSize)
      return fail(make_error(
          ErrorKind::Transport,
          fmt::format("SPDY header decompression failed: a header block inflates past {} bytes",
                      kMaxBlockSize)));
    out.append(chunk, produced);
    if (produced == 0) break;
  }
  return out;
}

}  // namespace orka::core
