// A Connection whose peer is a recording: each read_some() returns the next piece (never more
// than the caller asked for), then 0 as a closed peer would. What orka writes is kept.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "transport/connection.hpp"

namespace orka_fuzz {

class ReplayConnection final : public orka::core::Connection {
 public:
  explicit ReplayConnection(std::vector<std::string_view> pieces) : pieces_(std::move(pieces)) {}

  orka::Result<std::size_t> read_some(char* buffer, std::size_t size) override {
    while (next_ < pieces_.size() && pieces_[next_].empty()) ++next_;
    if (next_ == pieces_.size() || size == 0) return 0;
    std::string_view& piece = pieces_[next_];
    const std::size_t count = std::min(size, piece.size());
    std::memcpy(buffer, piece.data(), count);
    piece.remove_prefix(count);
    return count;
  }
  orka::Result<void> write_all(std::string_view bytes) override {
    written_ += bytes;
    return {};
  }
  void shutdown() noexcept override {}

  const std::string& written() const { return written_; }

 private:
  std::vector<std::string_view> pieces_;
  std::size_t next_ = 0;
  std::string written_;
};

}  // namespace orka_fuzz
