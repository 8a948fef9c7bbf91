// A small HTTPS/1.1 server on 127.0.0.1 (ephemeral port) for transport tests. Each accepted
// connection gets a thread that parses requests and hands them to the test's handler, which
// writes raw response bytes. Destroying the server stops it and joins every thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "orka/client.hpp"

namespace orka::testing {

struct ServerRequest {
  std::string method;
  std::string target;
  Headers headers;
  std::string body;
  int connection_id = 0;
  std::string header(std::string_view name) const;
};

class ServerConnection {
 public:
  virtual ~ServerConnection() = default;
  virtual bool write(std::string_view bytes) = 0;
  // Closes the connection once the handler returns.
  virtual void close_after_response() = 0;
};

struct ServerTls {
  std::string certificate_pem;  // empty: plain HTTP
  std::string key_pem;
  std::string client_ca_pem;  // non-empty: a client certificate from this CA is required
};

class LoopbackServer {
 public:
  using Handler = std::function<void(const ServerRequest&, ServerConnection&)>;

  LoopbackServer(ServerTls tls, Handler handler);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;  // https://127.0.0.1:<port>
  int connections_accepted() const { return accepted_.load(); }
  int requests_served() const { return served_.load(); }  // requests received
  int sessions_resumed() const { return resumed_.load(); }  // abbreviated TLS handshakes
  std::string last_sni() const;
  std::string last_client_common_name() const;

  // For handlers that hang on purpose: returns when the server stops or `limit` passes.
  void wait_until_stopped(std::chrono::milliseconds limit) const;

 private:
  struct Tls;
  void accept_loop();
  void serve(int fd, int id);

  ServerTls tls_config_;
  Handler handler_;
  std::shared_ptr<Tls> tls_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<int> served_{0};
  std::atomic<int> resumed_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable stopped_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
  std::string last_sni_;
  std::string last_client_cn_;
};

// "HTTP/1.1 <status> <reason>" with the headers, Content-Length and the body.
std::string http_response(int status, std::string_view reason, const Headers& headers,
                          std::string_view body);

}  // namespace orka::testing
