// Local TCP plumbing for port-forward: listening sockets and whole writes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "orka/error.hpp"

namespace orka::streaming {

struct Listener {
  int fd = -1;
  std::string address;  // as given: "127.0.0.1", "::1", "0.0.0.0"
  std::uint16_t port = 0;  // the bound port (the picked one when 0 was asked)
};

// Binds and listens (non-blocking accept). Port 0 picks a free port. Errors name the address.
Result<Listener> listen_on(const std::string& address, std::uint16_t port);

// Writes everything or fails (the peer closed, reset).
bool write_all(int fd, const char* data, std::size_t size);

void close_fd(int& fd) noexcept;

}  // namespace orka::streaming
