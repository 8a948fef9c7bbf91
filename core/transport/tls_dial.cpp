#include "transport/tls_dial.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "transport/http_message.hpp"
#include "util/base64.hpp"

namespace orka::core {
namespace {

int remaining_ms(Clock::time_point deadline) {
  if (deadline == Clock::time_point::max()) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return 0;
  return static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30));
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      auto hex = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      int high = hex(text[i + 1]), low = hex(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

SocketWaiter::SocketWaiter(const CancelToken& cancel)
    : cancel_(cancel), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  int wake_fd = wake_.get();
  if (wake_fd >= 0) {
    registration_ = cancel.on_cancel([wake_fd] {
      std::uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof one);
    });
  }
}

SocketWaiter::~SocketWaiter() { registration_.reset(); }

Result<void> SocketWaiter::wait(int fd, short events, Clock::time_point deadline,
                                std::string_view what) {
  for (;;) {
    if (cancel_.cancelled()) return fail(ErrorKind::Cancelled, fmt::format("{}: cancelled", what));
    pollfd fds[2] = {{fd, events, 0}, {wake_.get(), POLLIN, 0}};
    int count = wake_.get() >= 0 ? 2 : 1;
    // Without an eventfd (out of descriptors) poll in slices so cancellation is still seen.
    int timeout = remaining_ms(deadline);
    if (count == 1 && (timeout < 0 || timeout > 100)) timeout = 100;
    int ready = ::poll(fds, count, timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return fail(ErrorKind::Transport, fmt::format("{}: poll failed: {}", what, std::strerror(errno)));
    }
    if (cancel_.cancelled()) return fail(ErrorKind::Cancelled, fmt::format("{}: cancelled", what));
    if (fds[0].revents != 0) return {};
    if (remaining_ms(deadline) == 0)
      return fail(ErrorKind::Timeout, fmt::format("{}: timed out", what));
  }
}

Result<UniqueFd> dial_tcp(const std::string& host, std::uint16_t port, Clock::time_point deadline,
                          SocketWaiter& waiter) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
    hints.ai_flags = AI_NUMERICSERV;  // AI_ADDRCONFIG hides 127.0.0.1 on hosts with no address
    rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  }
  if (rc != 0)
    return fail(ErrorKind::Transport,
                fmt::format("cannot resolve host \"{}\": {}", host, ::gai_strerror(rc)),
                "check the server URL in the kubeconfig and your DNS settings");
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);

  std::string last_error = "no address";
  std::string where = fmt::format("{}:{}", host, port);
  for (addrinfo* address = found; address != nullptr; address = address->ai_next) {
    UniqueFd fd(::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                         address->ai_protocol));
    if (fd.get() < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    if (::connect(fd.get(), address->ai_addr, address->ai_addrlen) == 0) return fd;
    if (errno != EINPROGRESS) {
      last_error = std::strerror(errno);
      continue;
    }
    auto ready = waiter.wait(fd.get(), POLLOUT, deadline, fmt::format("connecting to {}", where));
    if (!ready) {
      if (ready.error().kind == ErrorKind::Timeout)
        ready.error().hint = "the API server did not answer; check the server URL and network";
      return std::unexpected(ready.error());
    }
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error == 0) return fd;
    last_error = std::strerror(error);
  }
  return fail(ErrorKind::Transport, fmt::format("cannot connect to {}: {}", where, last_error),
              "is the API server running? check the server URL in the kubeconfig");
}

std::string basic_authorization(std::string_view user, std::string_view password) {
  return "Basic " + encode_base64(fmt::format("{}:{}", user, password));
}

// A CONNECT answer is a status line and a few headers; anything longer is not a proxy.
constexpr std::size_t kMaxProxyAnswerHead = 16 * 1024;

Result<void> open_proxy_tunnel(int fd, const HttpUrl& proxy, const std::string& target,
                               Clock::time_point deadline, SocketWaiter& waiter) {
  std::string what = fmt::format("opening a tunnel through proxy {}", proxy.display());
  Headers headers;
  if (!proxy.userinfo.empty()) {
    auto colon = proxy.userinfo.find(':');
    headers.emplace_back(
        "Proxy-Authorization",
        basic_authorization(percent_decode(proxy.userinfo.substr(0, colon)),
                            colon == std::string::npos
                                ? std::string()
                                : percent_decode(proxy.userinfo.substr(colon + 1))));
  }
  auto request = format_request("CONNECT", target, target, headers, {});
  if (!request) return fail(request.error());
  std::string_view pending = *request;
  while (!pending.empty()) {
    ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
    if (n > 0) {
      pending.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (auto ok = waiter.wait(fd, POLLOUT, deadline, what); !ok) return ok;
      continue;
    }
    return fail(ErrorKind::Transport, fmt::format("{}: {}", what, std::strerror(errno)));
  }

  // The answer's head is taken off the socket up to its blank line and no further: the TLS
  // handshake with the API server follows on the same socket. Bytes are peeked, the end of the
  // head looked for, and exactly the head consumed; then it is parsed once by the checked
  // response-head parser.
  std::string head;
  for (;;) {
    if (Clock::now() >= deadline)
      return fail(ErrorKind::Timeout, fmt::format("{}: no complete answer in time", what));
    char peeked[2048];
    ssize_t n = ::recv(fd, peeked, sizeof peeked, MSG_PEEK);
    if (n > 0) {
      const std::size_t searched_from = head.size() >= 3 ? head.size() - 3 : 0;
      std::string candidate = head;
      candidate.append(peeked, static_cast<std::size_t>(n));
      const std::size_t blank_line = candidate.find("\r\n\r\n", searched_from);
      const std::size_t take = blank_line == std::string::npos
                                   ? static_cast<std::size_t>(n)
                                   : blank_line + 4 - head.size();
      if (head.size() + take > kMaxProxyAnswerHead)
        return fail(ErrorKind::Transport,
                    fmt::format("{}: the proxy's answer has no end of head within {} bytes", what,
                                kMaxProxyAnswerHead));
      ssize_t taken = ::recv(fd, peeked, take, 0);  // what was peeked is there: no short read
      if (taken != static_cast<ssize_t>(take))
        return fail(ErrorKind::Transport, fmt::format("{}: reading the answer failed", what));
      head.append(peeked, take);
      if (blank_line == std::string::npos) continue;
      break;
    }
    if (n == 0)
      return fail(ErrorKind::Transport, fmt::format("{}: the proxy closed the connection", what));
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (auto ok = waiter.wait(fd, POLLIN, deadline, what); !ok) return ok;
      continue;
    }
    return fail(ErrorKind::Transport, fmt::format("{}: {}", what, std::strerror(errno)));
  }
  auto parsed = parse_response_head(head);
  if (!parsed) return fail(ErrorKind::Transport, fmt::format("{}: {}", what, parsed.error().message));
  if (!parsed->has_value())
    return fail(ErrorKind::Transport, fmt::format("{}: the proxy's answer is not HTTP", what));
  const ResponseHead& answer = (*parsed)->head;
  if (answer.status / 100 == 2) return {};
  return fail(ErrorKind::Transport,
              fmt::format("proxy {} refused to connect to {}: {} {}", proxy.display(), target,
                          answer.status, answer.reason),
              answer.status == 407 ? "the proxy needs credentials: put them in the proxy URL "
                                     "(http://user:password@host:port)"
                                   : "check the proxy (kubeconfig proxy-url or HTTPS_PROXY)");
}

}  // namespace orka::core
