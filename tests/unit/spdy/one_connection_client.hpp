// An HTTPS Client whose only connection is the client end of a socketpair, for the tests that
// drive Client::open_multiplexed against a scripted server on the other end.
#pragma once

#include <memory>
#include <utility>

#include "fake_peer.hpp"
#include "transport/http_client.hpp"

namespace spdy_test {

// Hands out the client end of one socketpair, once.
class OneConnectionFactory final : public ConnectionFactory {
 public:
  explicit OneConnectionFactory(int fd) : fd_(fd) {}
  Result<std::unique_ptr<Connection>> connect(const Credentials&, const CancelToken&) override {
    if (fd_ < 0) return fail(ErrorKind::Transport, "the test has one connection only");
    return std::make_unique<FdConnection>(std::exchange(fd_, -1));
  }

 private:
  int fd_;
};

inline std::shared_ptr<Client> client_on(int fd) {
  RestConfig config;
  config.server = "https://127.0.0.1:6443";
  return make_http_client(config, nullptr, {}, std::make_shared<OneConnectionFactory>(fd));
}

}  // namespace spdy_test
