// Test doubles for the SPDY session: a Connection over one end of a socketpair, and a scripted
// SPDY server on the other end that speaks through the same codec.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "transport/connection.hpp"
#include "transport/spdy_frame.hpp"

namespace spdy_test {

using namespace orka;
using namespace orka::core;

class FdConnection final : public Connection {
 public:
  explicit FdConnection(int fd) : fd_(fd) {}
  ~FdConnection() override { ::close(fd_); }

  Result<std::size_t> read_some(char* buffer, std::size_t size) override {
    for (;;) {
      const ssize_t got = ::recv(fd_, buffer, size, 0);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno == EINTR) continue;
      return fail(ErrorKind::Transport, "test connection read failed");
    }
  }
  Result<void> write_all(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        return fail(ErrorKind::Transport, "test connection write failed");
      }
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return {};
  }
  void shutdown() noexcept override { ::shutdown(fd_, SHUT_RDWR); }

 private:
  int fd_;
};

struct SocketPair {
  int client = -1;
  int server = -1;
  SocketPair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    client = fds[0];
    server = fds[1];
  }
};

// Reads one request head from `fd`, answers with `response`, returns the request head.
inline std::string serve_once(int fd, const std::string& response) {
  std::string request;
  char buffer[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    request.append(buffer, static_cast<std::size_t>(got));
  }
  std::string_view rest = response;
  while (!rest.empty()) {
    const ssize_t sent = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (sent <= 0) break;
    rest.remove_prefix(static_cast<std::size_t>(sent));
  }
  return request;
}

// The server side: reads and writes frames on its end of the socketpair.
class FakeSpdyServer {
 public:
  explicit FakeSpdyServer(int fd) : fd_(fd) {}
  ~FakeSpdyServer() { ::close(fd_); }

  // The next frame from the client; nullopt after `timeout` or when the client closed.
  std::optional<SpdyFrame> next(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto frame = decoder_.next();
      if (!frame) {
        FAIL_CHECK("the client sent a malformed frame: " << frame.error().message);
        return std::nullopt;
      }
      if (*frame) return std::move(**frame);
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd poller{fd_, POLLIN, 0};
      if (::poll(&poller, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char buffer[65536];
      const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) return std::nullopt;
      decoder_.feed(std::string_view(buffer, static_cast<std::size_t>(got)));
    }
  }

  // The next frame that is not of type `skip` (WINDOW_UPDATEs, usually).
  std::optional<SpdyFrame> next_except(SpdyFrameType skip) {
    for (;;) {
      auto frame = next();
      if (!frame || frame->type != skip) return frame;
    }
  }

  // Reads the session's opening SETTINGS and session WINDOW_UPDATE.
  void expect_hello() {
    auto settings = next();
    REQUIRE(settings);
    CHECK(settings->type == SpdyFrameType::Settings);
    auto window = next();
    REQUIRE(window);
    CHECK(window->type == SpdyFrameType::WindowUpdate);
    CHECK(window->stream_id == 0);
  }

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }
  void reply(std::uint32_t stream_id, const SpdyHeaders& headers = {}) {
    std::string out;
    REQUIRE(encoder_.syn_reply(out, stream_id, 0, headers).has_value());
    send(out);
  }
  void data(std::uint32_t stream_id, std::string_view payload, bool fin = false) {
    std::string out;
    SpdyFrameEncoder::data(out, stream_id, fin ? kSpdyFlagFin : 0, payload);
    send(out);
  }
  void close_socket() { ::shutdown(fd_, SHUT_RDWR); }

 private:
  int fd_;
  SpdyFrameDecoder decoder_;
  SpdyFrameEncoder encoder_;
};

}  // namespace spdy_test
