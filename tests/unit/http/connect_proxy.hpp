// A minimal HTTP CONNECT proxy on 127.0.0.1 for transport tests: it records each CONNECT
// target and Proxy-Authorization header, then pipes bytes both ways.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace orka::testing {

class ConnectProxy {
 public:
  // `required_authorization`: when non-empty, a CONNECT without exactly this
  // Proxy-Authorization value is answered 407.
  explicit ConnectProxy(std::string required_authorization = {});
  ~ConnectProxy();
  ConnectProxy(const ConnectProxy&) = delete;
  ConnectProxy& operator=(const ConnectProxy&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }
  std::vector<std::string> targets() const;
  int tunnels() const { return tunnels_.load(); }

 private:
  void accept_loop();
  void serve(int fd);

  std::string required_authorization_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> tunnels_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> targets_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace orka::testing
