// Incremental decoder for the chunked transfer coding (RFC 9112 §7.1). Bytes may arrive split
// anywhere; the decoder keeps its state between calls. Internal to liborka.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "orka/error.hpp"

namespace orka::core {

class ChunkedDecoder {
 public:
  struct Step {
    std::size_t consumed = 0;  // input bytes used
    std::size_t produced = 0;  // body bytes written to the output
  };

  // Decodes from `input` into `output`, stopping when the output is full, the input is used
  // up, or the body ended (then finished() is true and the rest of the input is not touched).
  Result<Step> decode(std::string_view input, char* output, std::size_t output_size);

  bool finished() const { return state_ == State::Done; }

  // Data bytes left in the current chunk, when the decoder is inside one (0 otherwise). A
  // caller may read that many body bytes straight from the socket into its own buffer and
  // report them with skip_data(), saving a copy on the log-follow hot path.
  std::uint64_t data_remaining() const { return state_ == State::Data ? remaining_ : 0; }
  void skip_data(std::uint64_t count);

 private:
  enum class State {
    Size,          // hex digits of the chunk size
    Extension,     // ";name=value" after the size, ignored
    SizeLF,        // after the CR ending the size line
    Data,          // chunk data
    DataCR,        // the CRLF after chunk data
    DataLF,
    TrailerStart,  // start of a trailer line, or the final empty line
    Trailer,       // inside a trailer field, ignored
    TrailerLF,     // after a CR at the start of a line: the final LF
    Done,
  };

  Result<void> size_line_ended();

  State state_ = State::Size;
  std::uint64_t remaining_ = 0;
  int digits_ = 0;
};

}  // namespace orka::core
