#include "loopback_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <csignal>
#include <stdexcept>

#include "transport/http_message.hpp"

namespace orka::testing {

struct LoopbackServer::Tls {
  SSL_CTX* ctx = nullptr;
  ~Tls() { SSL_CTX_free(ctx); }
};

namespace {

// A client that hangs up must not kill the test process while the server writes.
const bool sigpipe_ignored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("loopback server: ") + what);
}

class Io {
 public:
  Io(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  long read(char* buffer, std::size_t size) {
    if (ssl_) {
      int n = SSL_read(ssl_, buffer, static_cast<int>(size));
      return n > 0 ? n : -1;
    }
    return ::recv(fd_, buffer, size, 0);
  }
  bool write(std::string_view bytes) {
    while (!bytes.empty()) {
      long n = ssl_ ? SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()))
                    : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

 private:
  int fd_;
  SSL* ssl_;
};

class Connection final : public ServerConnection {
 public:
  explicit Connection(Io& io) : io_(io) {}
  bool write(std::string_view bytes) override { return io_.write(bytes); }
  void close_after_response() override { close_ = true; }
  bool closing() const { return close_; }

 private:
  Io& io_;
  bool close_ = false;
};

}  // namespace

std::string ServerRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (core::equals_ignore_case(key, name)) return value;
  return {};
}

LoopbackServer::LoopbackServer(ServerTls tls, Handler handler)
    : tls_config_(std::move(tls)), handler_(std::move(handler)) {
  if (!tls_config_.certificate_pem.empty()) {
    tls_ = std::make_shared<Tls>();
    tls_->ctx = SSL_CTX_new(TLS_server_method());
    require(tls_->ctx != nullptr, "SSL_CTX_new");
    BIO* cert_bio = BIO_new_mem_buf(tls_config_.certificate_pem.data(),
                                    static_cast<int>(tls_config_.certificate_pem.size()));
    X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
    BIO_free(cert_bio);
    BIO* key_bio = BIO_new_mem_buf(tls_config_.key_pem.data(),
                                   static_cast<int>(tls_config_.key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
    BIO_free(key_bio);
    require(cert && key, "server certificate");
    require(SSL_CTX_use_certificate(tls_->ctx, cert) == 1, "use certificate");
    require(SSL_CTX_use_PrivateKey(tls_->ctx, key) == 1, "use key");
    X509_free(cert);
    EVP_PKEY_free(key);
    if (!tls_config_.client_ca_pem.empty()) {
      BIO* ca_bio = BIO_new_mem_buf(tls_config_.client_ca_pem.data(),
                                    static_cast<int>(tls_config_.client_ca_pem.size()));
      X509* ca = PEM_read_bio_X509(ca_bio, nullptr, nullptr, nullptr);
      BIO_free(ca_bio);
      require(ca != nullptr, "client CA");
      X509_STORE_add_cert(SSL_CTX_get_cert_store(tls_->ctx), ca);
      X509_free(ca);
      SSL_CTX_set_verify(tls_->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      // Resuming a session whose client was verified needs a session id context.
      static constexpr unsigned char context[] = "orka-test";
      SSL_CTX_set_session_id_context(tls_->ctx, context, sizeof context - 1);
    }
  }

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  require(listen_fd_ >= 0, "socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  require(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0, "bind");
  require(::listen(listen_fd_, 64) == 0, "listen");
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

LoopbackServer::~LoopbackServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  stopped_.notify_all();
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& thread : threads) thread.join();
}

std::string LoopbackServer::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::string LoopbackServer::last_sni() const {
  std::lock_guard lock(mutex_);
  return last_sni_;
}

std::string LoopbackServer::last_client_common_name() const {
  std::lock_guard lock(mutex_);
  return last_client_cn_;
}

void LoopbackServer::wait_until_stopped(std::chrono::milliseconds limit) const {
  std::unique_lock lock(mutex_);
  stopped_.wait_for(lock, limit, [this] { return stopping_.load(); });
}

void LoopbackServer::accept_loop() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    std::lock_guard lock(mutex_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    int id = ++accepted_;
    open_fds_.push_back(fd);
    threads_.emplace_back([this, fd, id] { serve(fd, id); });
  }
}

void LoopbackServer::serve(int fd, int id) {
  SSL* ssl = nullptr;
  bool ready = true;
  if (tls_) {
    ssl = SSL_new(tls_->ctx);
    SSL_set_fd(ssl, fd);
    ready = SSL_accept(ssl) == 1;
    ERR_clear_error();
    if (ready && SSL_session_reused(ssl) == 1) ++resumed_;
    std::lock_guard lock(mutex_);
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    last_sni_ = sni ? sni : "";
    if (X509* peer = SSL_get1_peer_certificate(ssl)) {
      char cn[256] = {0};
      X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof cn);
      last_client_cn_ = cn;
      X509_free(peer);
    }
  }
  Io io(fd, ssl);
  std::string buffer;
  char chunk[16384];
  while (ready && !stopping_) {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      long n = io.read(chunk, sizeof chunk);
      if (n <= 0) goto done;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    {
      ServerRequest request;
      request.connection_id = id;
      std::string_view head(buffer.data(), head_end);
      auto line_end = head.find("\r\n");
      std::string_view request_line = head.substr(0, line_end);
      auto space = request_line.find(' ');
      auto space2 = request_line.rfind(' ');
      request.method = std::string(request_line.substr(0, space));
      request.target = std::string(request_line.substr(space + 1, space2 - space - 1));
      std::string_view rest =
          line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
      while (!rest.empty()) {
        auto end = rest.find("\r\n");
        std::string_view line = rest.substr(0, end);
        auto colon = line.find(':');
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 2);
      }
      std::size_t length = 0;
      if (auto text = request.header("Content-Length"); !text.empty()) length = std::stoul(text);
      buffer.erase(0, head_end + 4);
      while (buffer.size() < length) {
        long n = io.read(chunk, sizeof chunk);
        if (n <= 0) goto done;
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);
      Connection connection(io);
      ++served_;  // before answering, so a client that got its answer sees the count
      handler_(request, connection);
      if (connection.closing()) break;
    }
  }
done:
  if (ssl) {
    SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  std::lock_guard lock(mutex_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

std::string http_response(int status, std::string_view reason, const Headers& headers,
                          std::string_view body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

}  // namespace orka::testing
