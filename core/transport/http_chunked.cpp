#include "transport/http_chunked.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace orka::core {
namespace {

std::unexpected<Error> bad_chunk(std::string_view what) {
  return fail(ErrorKind::Transport, fmt::format("malformed chunked response body: {}", what));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void ChunkedDecoder::skip_data(std::uint64_t count) {
  remaining_ -= std::min(count, remaining_);
  if (state_ == State::Data && remaining_ == 0) state_ = State::DataCR;
}

Result<void> ChunkedDecoder::size_line_ended() {
  if (digits_ == 0) return bad_chunk("a chunk size line without a size");
  digits_ = 0;
  state_ = remaining_ == 0 ? State::TrailerStart : State::Data;
  return {};
}

Result<ChunkedDecoder::Step> ChunkedDecoder::decode(std::string_view input, char* output,
                                                    std::size_t output_size) {
  Step step;
  std::size_t i = 0;
  while (i < input.size() && state_ != State::Done) {
    if (state_ == State::Data) {
      if (step.produced == output_size) break;
      std::size_t count = std::min<std::uint64_t>(
          {remaining_, input.size() - i, output_size - step.produced});
      std::memcpy(output + step.produced, input.data() + i, count);
      step.produced += count;
      i += count;
      remaining_ -= count;
      if (remaining_ == 0) state_ = State::DataCR;
      continue;
    }
    char c = input[i++];
    switch (state_) {
      case State::Size: {
        int value = hex_value(c);
        if (value >= 0) {
          if (remaining_ > (UINT64_MAX >> 8)) return bad_chunk("a chunk size that overflows");
          remaining_ = remaining_ * 16 + static_cast<unsigned>(value);
          ++digits_;
        } else if (c == ';' || c == ' ' || c == '\t') {
          state_ = State::Extension;
        } else if (c == '\r') {
          state_ = State::SizeLF;
        } else if (c == '\n') {
          if (auto ok = size_line_ended(); !ok) return std::unexpected(ok.error());
        } else {
          return bad_chunk(fmt::format("unexpected byte 0x{:02x} in a chunk size", c & 0xff));
        }
        break;
      }
      case State::Extension:
        if (c == '\r') state_ = State::SizeLF;
        else if (c == '\n') {
          if (auto ok = size_line_ended(); !ok) return std::unexpected(ok.error());
        }
        break;
      case State::SizeLF:
        if (c != '\n') return bad_chunk("a chunk size line not ended by CRLF");
        if (auto ok = size_line_ended(); !ok) return std::unexpected(ok.error());
        break;
      case State::DataCR:
        if (c == '\r') state_ = State::DataLF;
        else if (c == '\n') state_ = State::Size;
        else return bad_chunk("chunk data longer than its declared size");
        break;
      case State::DataLF:
        if (c != '\n') return bad_chunk("chunk data not followed by CRLF");
        state_ = State::Size;
        break;
      case State::TrailerStart:
        if (c == '\r') state_ = State::TrailerLF;
        else if (c == '\n') state_ = State::Done;
        else state_ = State::Trailer;
        break;
      case State::Trailer:
        if (c == '\n') state_ = State::TrailerStart;
        break;
      case State::TrailerLF:
        if (c != '\n') return bad_chunk("the final chunk not followed by CRLF");
        state_ = State::Done;
        break;
      case State::Data:
      case State::Done:
        break;
    }
  }
  step.consumed = i;
  return step;
}

}  // namespace orka::core
