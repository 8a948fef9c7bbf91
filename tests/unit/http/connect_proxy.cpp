#include "connect_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace orka::testing {
namespace {

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

ConnectProxy::ConnectProxy(std::string required_authorization)
    : required_authorization_(std::move(required_authorization)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 16) != 0)
    throw std::runtime_error("connect proxy: cannot listen");
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ConnectProxy::~ConnectProxy() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard lock(mutex_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& thread : threads_) thread.join();
}

std::vector<std::string> ConnectProxy::targets() const {
  std::lock_guard lock(mutex_);
  return targets_;
}

void ConnectProxy::accept_loop() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_ || errno != EINTR) return;
      continue;
    }
    std::lock_guard lock(mutex_);
    fds_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void ConnectProxy::serve(int client) {
  std::string head;
  char c;
  while (head.find("\r\n\r\n") == std::string::npos && ::recv(client, &c, 1, 0) == 1) head += c;
  auto space = head.find(' ');
  auto space2 = head.find(' ', space + 1);
  std::string method = head.substr(0, space);
  std::string target = head.substr(space + 1, space2 - space - 1);
  std::string authorization;
  if (auto at = head.find("Proxy-Authorization: "); at != std::string::npos)
    authorization = head.substr(at + 21, head.find("\r\n", at) - at - 21);
  {
    std::lock_guard lock(mutex_);
    targets_.push_back(target);
  }
  auto colon = target.rfind(':');
  int upstream = -1;
  if (method == "CONNECT" && colon != std::string::npos &&
      target.substr(0, colon) == "127.0.0.1") {
    if (!required_authorization_.empty() && authorization != required_authorization_) {
      send_all(client, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
    } else {
      upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1))));
      if (::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(upstream);
        upstream = -1;
        send_all(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      } else {
        ++tunnels_;
        send_all(client, "HTTP/1.1 200 Connection established\r\n\r\n");
      }
    }
  } else {
    send_all(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  }
  if (upstream >= 0) {
    {
      std::lock_guard lock(mutex_);
      fds_.push_back(upstream);
    }
    char buffer[16384];
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    while (!stopping_ && ::poll(fds, 2, 200) >= 0) {
      bool done = false;
      for (int i = 0; i < 2 && !done; ++i) {
        if (fds[i].revents == 0) continue;
        ssize_t n = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
        done = n <= 0 || !send_all(fds[1 - i].fd, std::string_view(buffer, static_cast<std::size_t>(n)));
      }
      if (done) break;
    }
  }
  std::lock_guard lock(mutex_);
  for (int fd : {client, upstream}) {
    if (fd < 0) continue;
    std::erase(fds_, fd);
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
  }
}

}  // namespace orka::testing
