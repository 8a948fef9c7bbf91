// Opening the TCP connection under a TLS session: name resolution, a connect bounded by a
// deadline and abandoned on cancellation, and the HTTP CONNECT tunnel through a proxy.
// Internal to liborka.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "orka/cancel.hpp"
#include "orka/error.hpp"
#include "transport/http_url.hpp"

namespace orka::core {

using Clock = std::chrono::steady_clock;

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

// Waits for a socket to become ready, giving up at a deadline or as soon as a CancelToken
// fires (an eventfd the token's callback writes to wakes the poll).
class SocketWaiter {
 public:
  explicit SocketWaiter(const CancelToken& cancel);
  SocketWaiter(const SocketWaiter&) = delete;
  SocketWaiter& operator=(const SocketWaiter&) = delete;
  ~SocketWaiter();

  // `events` as for poll(2). Errors: Cancelled, or Timeout naming `what`.
  Result<void> wait(int fd, short events, Clock::time_point deadline, std::string_view what);

 private:
  const CancelToken& cancel_;
  UniqueFd wake_;
  CancelToken::Registration registration_;
};

// A connected, non-blocking TCP socket (TCP_NODELAY, keepalive) to host:port; tries every
// resolved address until one answers.
Result<UniqueFd> dial_tcp(const std::string& host, std::uint16_t port, Clock::time_point deadline,
                          SocketWaiter& waiter);

// Asks the HTTP proxy connected on `fd` to open a tunnel to `target` ("host:port"). Proxy
// credentials from the proxy URL's userinfo are sent as Basic and never reported.
Result<void> open_proxy_tunnel(int fd, const HttpUrl& proxy, const std::string& target,
                               Clock::time_point deadline, SocketWaiter& waiter);

// "Basic <base64(user:password)>" for Authorization headers.
std::string basic_authorization(std::string_view user, std::string_view password);

}  // namespace orka::core
