// A response body for unit tests: delivered in the given pieces, then ending cleanly or with a
// transport error. Shared by the scripted API server (fake_api.hpp) and the streaming ops' fakes.
#pragma once

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "orka/client.hpp"

namespace orka::testing {

class ScriptedByteStream final : public ByteStream {
 public:
  explicit ScriptedByteStream(std::vector<std::string> pieces, bool ends_with_error = false)
      : pieces_(pieces.begin(), pieces.end()), error_(ends_with_error) {}
  Result<std::size_t> read(char* buffer, std::size_t size) override {
    if (pieces_.empty()) {
      if (error_) return fail(ErrorKind::Transport, "connection reset by peer");
      return 0;
    }
    std::string& front = pieces_.front();
    std::size_t n = std::min(size, front.size());
    std::copy_n(front.data(), n, buffer);
    front.erase(0, n);
    if (front.empty()) pieces_.pop_front();
    return n;
  }
  void close() noexcept override {}

 private:
  std::deque<std::string> pieces_;
  bool error_;
};

}  // namespace orka::testing
