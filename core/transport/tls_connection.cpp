// The TLS (or, for http:// servers, plain TCP) Connection and the factory that dials it.
// OpenSSL is used directly on a non-blocking socket: every SSL call runs under one mutex and
// the waiting happens outside it, so one thread may write (WebSocket send) while another is
// blocked reading, and shutdown() from any thread wakes both.
#include <poll.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "transport/connection.hpp"
#include "transport/http_url.hpp"
#include "transport/proxy_environment.hpp"
#include "transport/tls_context.hpp"
#include "transport/tls_dial.hpp"
#include "transport/tls_session_cache.hpp"

namespace orka::core {
namespace {

constexpr std::size_t kTlsReadBuffer = 64 * 1024;

// A socket BIO that never raises SIGPIPE (send with MSG_NOSIGNAL): a server closing the
// connection must not kill the process.
int bio_write(BIO* bio, const char* data, int size) {
  int fd = static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio)));
  BIO_clear_retry_flags(bio);
  ssize_t n = ::send(fd, data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int bio_read(BIO* bio, char* data, int size) {
  int fd = static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio)));
  BIO_clear_retry_flags(bio);
  ssize_t n = ::recv(fd, data, static_cast<std::size_t>(size), 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) BIO_set_retry_read(bio);
  return static_cast<int>(n);
}

int bio_puts(BIO* bio, const char* text) {
  return bio_write(bio, text, static_cast<int>(std::strlen(text)));
}

long bio_ctrl(BIO*, int command, long, void*) {
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* socket_bio_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "orka socket");
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_puts(m, bio_puts);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
  }();
  return method;
}

struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

class SocketConnection final : public Connection {
 public:
  SocketConnection(UniqueFd fd, std::unique_ptr<SSL, SslDeleter> ssl, std::string peer,
                   std::shared_ptr<void> session_tag = nullptr)
      : session_tag_(std::move(session_tag)),
        fd_(std::move(fd)),
        ssl_(std::move(ssl)),
        peer_(std::move(peer)) {}

  ~SocketConnection() override {
    if (ssl_ && !shut_.load()) {
      // Best effort close_notify; the socket is non-blocking, so this never waits.
      std::lock_guard lock(ssl_mutex_);
      SSL_shutdown(ssl_.get());
      ERR_clear_error();
    }
  }

  Result<std::size_t> read_some(char* buffer, std::size_t size) override {
    if (size == 0) return 0;
    int chunk = static_cast<int>(std::min<std::size_t>(size, INT_MAX));
    for (;;) {
      if (shut_.load()) return closed();
      if (!ssl_) {
        ssize_t n = ::recv(fd_.get(), buffer, static_cast<std::size_t>(chunk), 0);
        if (n == 0) went_away_.store(true);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          if (auto ok = wait(POLLIN, "reading"); !ok) return std::unexpected(ok.error());
          continue;
        }
        return lost(errno);
      }
      int error;
      {
        std::lock_guard lock(ssl_mutex_);
        ERR_clear_error();
        int n = SSL_read(ssl_.get(), buffer, chunk);
        if (n > 0) {
          // One record is at most 16 KiB: keep decrypting what the last receive brought in
          // (read-ahead), so a big buffer fills in one call without a receive that finds
          // nothing (the log hot path reads 256 KiB at a time).
          std::size_t total = static_cast<std::size_t>(n);
          while (total < static_cast<std::size_t>(chunk) && SSL_has_pending(ssl_.get()) == 1) {
            int more = SSL_read(ssl_.get(), buffer + total, chunk - static_cast<int>(total));
            if (more <= 0) {
              ERR_clear_error();
              break;
            }
            total += static_cast<std::size_t>(more);
          }
          return total;
        }
        error = SSL_get_error(ssl_.get(), n);
      }
      switch (error) {
        case SSL_ERROR_ZERO_RETURN:
          went_away_.store(true);
          return 0;
        case SSL_ERROR_WANT_READ:
          if (auto ok = wait(POLLIN, "reading"); !ok) return std::unexpected(ok.error());
          continue;
        case SSL_ERROR_WANT_WRITE:
          if (auto ok = wait(POLLOUT, "reading"); !ok) return std::unexpected(ok.error());
          continue;
        default:
          return ssl_failure(error);
      }
    }
  }

  Result<void> write_all(std::string_view bytes) override {
    while (!bytes.empty()) {
      if (shut_.load()) return closed();
      int chunk = static_cast<int>(std::min<std::size_t>(bytes.size(), INT_MAX));
      if (!ssl_) {
        ssize_t n = ::send(fd_.get(), bytes.data(), static_cast<std::size_t>(chunk), MSG_NOSIGNAL);
        if (n >= 0) {
          bytes.remove_prefix(static_cast<std::size_t>(n));
          continue;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          if (auto ok = wait(POLLOUT, "writing"); !ok) return ok;
          continue;
        }
        return lost(errno);
      }
      int error;
      {
        std::lock_guard lock(ssl_mutex_);
        ERR_clear_error();
        int n = SSL_write(ssl_.get(), bytes.data(), chunk);
        if (n > 0) {
          bytes.remove_prefix(static_cast<std::size_t>(n));
          continue;
        }
        error = SSL_get_error(ssl_.get(), n);
      }
      if (error == SSL_ERROR_WANT_WRITE) {
        if (auto ok = wait(POLLOUT, "writing"); !ok) return ok;
      } else if (error == SSL_ERROR_WANT_READ) {
        if (auto ok = wait(POLLIN, "writing"); !ok) return ok;
      } else {
        return std::unexpected(ssl_failure(error).error());
      }
    }
    return {};
  }

  void shutdown() noexcept override {
    if (!shut_.exchange(true)) ::shutdown(fd_.get(), SHUT_RDWR);
  }

  void set_timeout(std::chrono::milliseconds timeout) override {
    timeout_ms_.store(timeout.count() > 0 ? timeout.count() : -1);
  }

  bool peer_closed() noexcept override {
    if (shut_.load()) return true;
    if (ssl_) {
      std::lock_guard lock(ssl_mutex_);
      if (SSL_has_pending(ssl_.get()) == 1) return true;
    }
    pollfd fd{fd_.get(), POLLIN, 0};
    return ::poll(&fd, 1, 0) != 0;  // readable on an idle connection: EOF, reset or junk
  }

 private:
  Result<void> wait(short events, std::string_view doing) {
    long long timeout = timeout_ms_.load();
    for (;;) {
      pollfd fd{fd_.get(), events, 0};
      int ready = ::poll(&fd, 1, timeout < 0 ? -1 : static_cast<int>(std::min(timeout, 1LL << 30)));
      if (ready > 0) return {};
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return std::unexpected(lost(errno).error());
      return fail(ErrorKind::Timeout,
                  fmt::format("no progress {} {} for {}ms", doing, peer_, timeout),
                  "the server or the network is slow; try again or raise the timeout");
    }
  }

  std::unexpected<Error> closed() const {
    return fail(ErrorKind::Transport, fmt::format("the connection to {} was closed", peer_));
  }

  bool peer_went_away() const noexcept override { return went_away_.load(); }

  std::unexpected<Error> lost(int error_number, std::string_view detail = {}) const {
    if (shut_.load()) return closed();
    if (error_number == ECONNRESET || error_number == EPIPE || error_number == ECONNABORTED)
      went_away_.store(true);
    std::string why = !detail.empty() ? std::string(detail) : std::strerror(error_number);
    return fail(ErrorKind::Transport, fmt::format("connection to {} lost: {}", peer_, why));
  }

  std::unexpected<Error> ssl_failure(int error) const {
    if (shut_.load()) {
      ERR_clear_error();
      return closed();
    }
    if (error == SSL_ERROR_SYSCALL) {
      int saved = errno;
      if (saved == 0) went_away_.store(true);  // EOF in the middle of a record
      std::string detail = drain_openssl_errors(saved != 0 ? std::strerror(saved)
                                                           : "unexpected end of stream");
      return lost(saved, detail);
    }
    return fail(ErrorKind::Transport,
                fmt::format("TLS error on the connection to {}: {}", peer_,
                            drain_openssl_errors("unknown error")),
                "if the server requires a client certificate, check client-certificate and "
                "client-key in the kubeconfig");
  }

  std::shared_ptr<void> session_tag_;  // read by OpenSSL callbacks while ssl_ lives
  UniqueFd fd_;
  std::unique_ptr<SSL, SslDeleter> ssl_;
  std::string peer_;
  std::mutex ssl_mutex_;
  std::atomic<bool> shut_{false};
  std::atomic<long long> timeout_ms_{-1};
  mutable std::atomic<bool> went_away_{false};
};

std::string verification_hint(long code, const std::string& checked_name) {
  switch (code) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return fmt::format(
          "the server's certificate is not valid for \"{}\"; if the server is reached under "
          "another name, set tls-server-name in the kubeconfig cluster",
          checked_name);
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "check the clock of this machine and the server's certificate dates";
    default:
      return "the server's certificate is not signed by the cluster's certificate authority: "
             "check certificate-authority(-data) in the kubeconfig";
  }
}

class TlsConnectionFactory final : public ConnectionFactory {
 public:
  TlsConnectionFactory(const RestConfig& config, std::chrono::milliseconds connect_timeout)
      : connect_timeout_(connect_timeout), insecure_(config.insecure_skip_tls_verify) {
    auto url = parse_http_url(config.server);
    if (!url) {
      setup_error_ = url.error();
      return;
    }
    server_ = *url;
    checked_name_ = config.tls_server_name.empty() ? server_.host : config.tls_server_name;
    // The kubeconfig's proxy-url wins; without one, the environment's, as client-go does.
    std::string proxy_url = config.proxy_url;
    std::string proxy_origin = "the kubeconfig's proxy-url";
    if (proxy_url.empty()) {
      if (auto from_env = proxy_from_environment(server_, process_environment)) {
        proxy_url = from_env->url;
        proxy_origin = from_env->variable;
      }
    }
    if (!proxy_url.empty()) {
      auto proxy = parse_http_url(with_default_proxy_scheme(proxy_url));
      if (!proxy) {
        // The URL may hold credentials: say where it came from, not what it is.
        setup_error_ = make_error(ErrorKind::Config,
                                  fmt::format("the proxy in {} is not a valid URL", proxy_origin),
                                  "expected http://[user:password@]host:port");
        return;
      }
      if (proxy->scheme != "http") {
        setup_error_ = make_error(
            ErrorKind::Unsupported,
            fmt::format("the proxy in {} uses the scheme \"{}\", which orka does not support",
                        proxy_origin, proxy->scheme),
            "use an http:// proxy (HTTP CONNECT; the API server connection inside it is TLS)");
        return;
      }
      proxy_ = *proxy;
    }
    if (server_.is_tls()) {
      auto ctx = make_client_tls_context(config.certificate_authority_pem, insecure_);
      if (!ctx) {
        setup_error_ = ctx.error();
        return;
      }
      ctx_ = *ctx;
      TlsSessionCache::install(ctx_.get());
    }
  }

  Result<std::unique_ptr<Connection>> connect(const Credentials& credentials,
                                              const CancelToken& cancel) override {
    if (setup_error_) return fail(*setup_error_);
    auto deadline = connect_timeout_.count() > 0 ? Clock::now() + connect_timeout_
                                                 : Clock::time_point::max();
    SocketWaiter waiter(cancel);
    Result<UniqueFd> fd = proxy_ ? dial_tcp(proxy_->host, proxy_->port, deadline, waiter)
                                 : dial_tcp(server_.host, server_.port, deadline, waiter);
    if (!fd) return std::unexpected(fd.error());
    if (proxy_) {
      if (auto tunnel = open_proxy_tunnel(fd->get(), *proxy_, server_.authority(), deadline, waiter);
          !tunnel)
        return std::unexpected(tunnel.error());
    }
    if (!ctx_)
      return std::make_unique<SocketConnection>(std::move(*fd), nullptr, server_.authority());

    std::unique_ptr<SSL, SslDeleter> ssl(SSL_new(ctx_.get()));
    if (!ssl) return fail(ErrorKind::Internal, "cannot create a TLS session: " +
                                                   drain_openssl_errors("out of memory"));
    // Read-ahead: one receive takes whatever the socket holds, many records at once, instead
    // of two receives (header, then body) per record — a streamed log arrives in small records.
    SSL_set_read_ahead(ssl.get(), 1);
    SSL_set_default_read_buffer_len(ssl.get(), kTlsReadBuffer);
    if (auto ok = configure_peer_checks(ssl.get()); !ok) return std::unexpected(ok.error());
    std::string identity;
    if (credentials.client_certificate) {
      identity = credentials.client_certificate->certificate_pem + '\n' +
                 std::to_string(std::hash<std::string>{}(credentials.client_certificate->key_pem));
      auto parsed = client_certificate(*credentials.client_certificate);
      if (!parsed) return std::unexpected(parsed.error());
      if (auto ok = use_client_certificate(ssl.get(), **parsed); !ok)
        return std::unexpected(ok.error());
    }
    BIO* bio = BIO_new(socket_bio_method());
    if (bio == nullptr) return fail(ErrorKind::Internal, "cannot create a TLS socket BIO");
    BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd->get())));
    SSL_set_bio(ssl.get(), bio, bio);
    auto session_tag = sessions_->prepare(ssl.get(), identity);

    if (auto ok = handshake(ssl.get(), fd->get(), deadline, waiter); !ok)
      return std::unexpected(ok.error());
    return std::make_unique<SocketConnection>(std::move(*fd), std::move(ssl), server_.authority(),
                                              std::move(session_tag));
  }

 private:
  Result<void> configure_peer_checks(SSL* ssl) {
    bool name_is_ip = HttpUrl{"https", checked_name_, 443, "", ""}.host_is_ip_literal();
    // SNI carries DNS names only (RFC 6066).
    if (!name_is_ip && SSL_set_tlsext_host_name(ssl, checked_name_.c_str()) != 1)
      return fail(ErrorKind::Config, fmt::format("invalid TLS server name \"{}\"", checked_name_));
    if (insecure_) return {};
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int ok = name_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, checked_name_.c_str())
                        : X509_VERIFY_PARAM_set1_host(param, checked_name_.c_str(), 0);
    if (ok != 1) {
      ERR_clear_error();
      return fail(ErrorKind::Config, fmt::format("invalid TLS server name \"{}\"", checked_name_));
    }
    return {};
  }

  Result<void> handshake(SSL* ssl, int fd, Clock::time_point deadline, SocketWaiter& waiter) {
    std::string what = fmt::format("TLS handshake with {}", server_.authority());
    for (;;) {
      ERR_clear_error();
      int rc = SSL_connect(ssl);
      if (rc == 1) return {};
      int error = SSL_get_error(ssl, rc);
      if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        short events = error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        if (auto ok = waiter.wait(fd, events, deadline, what); !ok) return ok;
        continue;
      }
      long verify = SSL_get_verify_result(ssl);
      if (!insecure_ && verify != X509_V_OK) {
        ERR_clear_error();
        return fail(ErrorKind::Transport,
                    fmt::format("cannot verify the certificate of {}: {}", server_.display(),
                                X509_verify_cert_error_string(verify)),
                    verification_hint(verify, checked_name_));
      }
      int saved = errno;
      std::string detail = drain_openssl_errors(
          error == SSL_ERROR_SYSCALL
              ? (saved != 0 ? std::string(std::strerror(saved)) : "the server closed the connection")
              : "unknown error");
      return fail(ErrorKind::Transport, fmt::format("{} failed: {}", what, detail),
                  "is this an HTTPS API server? if it requires a client certificate, check "
                  "client-certificate/client-key in the kubeconfig");
    }
  }

  Result<std::shared_ptr<const ParsedClientCertificate>> client_certificate(
      const ClientCertificate& certificate) {
    std::lock_guard lock(cache_mutex_);
    if (cached_certificate_ && cached_pem_ == certificate.certificate_pem &&
        cached_key_pem_ == certificate.key_pem)
      return cached_certificate_;
    auto parsed = parse_client_certificate(certificate);
    if (!parsed) return parsed;
    cached_certificate_ = *parsed;
    cached_pem_ = certificate.certificate_pem;
    cached_key_pem_ = certificate.key_pem;
    return parsed;
  }

  std::chrono::milliseconds connect_timeout_;
  bool insecure_;
  std::optional<Error> setup_error_;
  HttpUrl server_;
  std::optional<HttpUrl> proxy_;
  std::string checked_name_;
  std::shared_ptr<SSL_CTX> ctx_;
  std::shared_ptr<TlsSessionCache> sessions_ = std::make_shared<TlsSessionCache>();

  std::mutex cache_mutex_;
  std::shared_ptr<const ParsedClientCertificate> cached_certificate_;
  std::string cached_pem_;
  std::string cached_key_pem_;  // compared only, to notice a rotated key
};

}  // namespace

std::shared_ptr<ConnectionFactory> make_tls_connection_factory(
    const RestConfig& config, std::chrono::milliseconds connect_timeout) {
  return std::make_shared<TlsConnectionFactory>(config, connect_timeout);
}

}  // namespace orka::core
