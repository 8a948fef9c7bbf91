// orka::Client over HTTPS: keep-alive pool, retries, 401 refresh, streams, WebSocket upgrade.
#include "transport/http_client.hpp"

#include <atomic>
#include <mutex>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "orka/export.hpp"
#include "transport/http_connection_pool.hpp"
#include "transport/http_diagnostics.hpp"
#include "transport/http_message.hpp"
#include "transport/http_response_reader.hpp"
#include "transport/http_retry.hpp"
#include "transport/http_url.hpp"
#include "transport/spdy_mux.hpp"
#include "transport/spdy_session.hpp"
#include "transport/spdy_upgrade.hpp"
#include "transport/tls_dial.hpp"
#include "transport/websocket.hpp"

namespace orka::core {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// An error answer is a Status of a few hundred bytes; 1 MiB keeps any real one whole.
constexpr std::size_t max_error_body = 1 << 20;
// A whole (non-streamed) answer held in memory: the largest orka asks for is a list, e.g. every
// pod of a namespace, unpaged; 256 MiB is some 30,000 pods of 8 KiB JSON each, while a body
// that never ends fails before it costs the machine its memory. Streams (logs, watch) are not held and have no such bound.
constexpr std::size_t max_response_body = std::size_t{256} << 20;

long long elapsed_ms(SteadyClock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - since).count();
}

// Which pooled connections may carry a request: those made with the same client
// certificate and key (the key only as a hash, so no copy of it is kept).
std::string identity_of(const Credentials& credentials) {
  if (!credentials.client_certificate) return {};
  return credentials.client_certificate->certificate_pem + '\n' +
         std::to_string(std::hash<std::string>{}(credentials.client_certificate->key_pem));
}

void add_credentials(Headers& headers, const Credentials& credentials) {
  if (!credentials.bearer_token.empty())
    headers.emplace_back("Authorization", "Bearer " + credentials.bearer_token);
  else if (credentials.basic)
    headers.emplace_back("Authorization",
                         basic_authorization(credentials.basic->first, credentials.basic->second));
}

// One response whose head has arrived, with the connection it came on.
struct Exchange {
  std::unique_ptr<Connection> connection;
  std::unique_ptr<ResponseReader> reader;
  // Declared after the connection: destroyed first, so the cancel callback never sees a
  // destroyed connection.
  CancelToken::Registration on_cancel;
  ResponseHead head;
  std::string identity;
  SteadyClock::time_point started;
};

class HttpClient;

class HttpByteStream final : public ByteStream {
 public:
  HttpByteStream(Exchange exchange, std::shared_ptr<ConnectionPool> pool, CancelToken cancel,
                 std::string what)
      : exchange_(std::move(exchange)),
        pool_(std::move(pool)),
        cancel_(std::move(cancel)),
        what_(std::move(what)) {}

  ~HttpByteStream() override {
    std::lock_guard lock(mutex_);
    exchange_.on_cancel.reset();
  }

  Result<std::size_t> read(char* buffer, std::size_t size) override {
    if (closed_.load() || !exchange_.connection) {
      if (finished_) return 0;
      return fail(cancel_.cancelled() ? ErrorKind::Cancelled : ErrorKind::Transport,
                  fmt::format("{}: the stream was closed", what_));
    }
    auto n = exchange_.reader->read_body(buffer, size);
    if (!n) {
      Error error = n.error();
      if (cancel_.cancelled() || closed_.load()) {
        error.kind = ErrorKind::Cancelled;
        error.message = fmt::format("{}: cancelled", what_);
        error.hint.clear();
      } else {
        error.message = fmt::format("{}: {}", what_, error.message);
      }
      return std::unexpected(std::move(error));
    }
    if (*n == 0) finish();
    return n;
  }

  void close() noexcept override {
    std::lock_guard lock(mutex_);
    closed_.store(true);
    if (exchange_.connection) exchange_.connection->shutdown();
  }

 private:
  // The body ended cleanly: the connection goes back to the pool when it can.
  void finish() {
    std::lock_guard lock(mutex_);
    finished_ = true;
    exchange_.on_cancel.reset();
    if (!closed_.load() && exchange_.reader->reusable())
      pool_->put(exchange_.identity, std::move(exchange_.connection));
    else
      exchange_.connection.reset();
  }

  std::mutex mutex_;  // close() against finish()
  Exchange exchange_;
  std::shared_ptr<ConnectionPool> pool_;
  CancelToken cancel_;
  std::string what_;
  std::atomic<bool> closed_{false};
  bool finished_ = false;
};

class HttpClient final : public Client {
 public:
  HttpClient(RestConfig config, HttpUrl url, DiagnosticSink diagnostics, HttpClientOptions options,
             std::shared_ptr<ConnectionFactory> factory)
      : config_(std::move(config)),
        url_(std::move(url)),
        diagnostics_(std::move(diagnostics)),
        options_(options),
        factory_(std::move(factory)),
        pool_(std::make_shared<ConnectionPool>()) {
    policy_.max_retries = options_.max_retries;
    policy_.max_delay = options_.max_retry_delay;
  }

  Result<Response> send(const Request& request, const CancelToken& cancel) override {
    for (int body_retries = 0;; ++body_retries) {
      auto exchange = start(request, cancel);
      if (!exchange) return std::unexpected(exchange.error());
      Response response;
      response.status = exchange->head.status;
      response.headers = std::move(exchange->head.headers);
      bool ok = response.status >= 200 && response.status < 300;
      auto body = exchange->reader->read_body_into(response.body,
                                                   ok ? max_response_body : max_error_body);
      if (!body) {
        Error error = failed(request, *exchange, body.error(), cancel);
        // A body cut short (the connection broke mid-way) is asked for again when the request
        // may be repeated, as a connection failure before the head would be.
        std::optional<milliseconds> delay;
        if (error.kind == ErrorKind::Transport)
          delay = retry_delay(request.method, body_retries, AttemptResult{0, {}}, policy_,
                              std::chrono::system_clock::now());
        if (!delay) return std::unexpected(std::move(error));
        log(1, [&] {
          return fmt::format("{}: the body was cut short; retrying in {}ms",
                             describe_request(request), delay->count());
        });
        if (cancel.wait_for(*delay)) return cancelled(request);
        continue;
      }
      log_response(request, exchange->head, response.headers, exchange->started, &response.body);
      release(std::move(*exchange));
      if (!ok)
        return fail(
            with_auth_note(error_from_http(response.status, response.body, request.permission)));
      return response;
    }
  }

  Result<std::unique_ptr<ByteStream>> open_stream(const Request& request,
                                                  const CancelToken& cancel) override {
    auto exchange = start(request, cancel);
    if (!exchange) return std::unexpected(exchange.error());
    int status = exchange->head.status;
    if (status < 200 || status >= 300) {
      std::string body;
      auto read = exchange->reader->read_body_into(body, max_error_body);
      if (!read) return std::unexpected(failed(request, *exchange, read.error(), cancel));
      log_response(request, exchange->head, exchange->head.headers, exchange->started, &body);
      release(std::move(*exchange));
      return fail(with_auth_note(error_from_http(status, body, request.permission)));
    }
    log_response(request, exchange->head, exchange->head.headers, exchange->started, nullptr);
    return std::make_unique<HttpByteStream>(std::move(*exchange), pool_, cancel,
                                            describe_request(request));
  }

  Result<std::unique_ptr<WebSocket>> open_websocket(const UpgradeRequest& request,
                                                    const CancelToken& cancel) override {
    return upgrade(
        fmt::format("GET {}{} (WebSocket)", url_.display(), request.path), request, cancel,
        [&](std::unique_ptr<Connection> connection, const Credentials& credentials)
            -> Result<std::pair<std::unique_ptr<WebSocket>, std::string>> {
          auto socket = websocket_connect(std::move(connection), url_.host_header(),
                                          url_.path_prefix, request, credentials, cancel);
          if (!socket) return std::unexpected(socket.error());
          std::string protocol = (*socket)->protocol();
          return std::pair{std::move(*socket), std::move(protocol)};
        });
  }

  Result<std::unique_ptr<MuxConnection>> open_multiplexed(const UpgradeRequest& request,
                                                           MuxFraming framing,
                                                           const CancelToken& cancel) override {
    if (framing == MuxFraming::WebSocketTunnel) return open_tunnelled_spdy(request, cancel);
    auto upgraded = upgrade(
        fmt::format("POST {}{} (SPDY/3.1)", url_.display(), request.path), request, cancel,
        [&](std::unique_ptr<Connection> connection, const Credentials& credentials)
            -> Result<std::pair<SpdyUpgraded, std::string>> {
          auto result = spdy_upgrade(std::move(connection), url_.host_header(), url_.path_prefix,
                                     request, credentials, cancel, "POST");
          if (!result) return std::unexpected(result.error());
          if (result->protocol.empty() && !request.protocols.empty()) {
            // Without a named protocol the server means the pre-versioning one, whose framing
            // differs from every protocol orka offers.
            Error error = make_error(
                ErrorKind::Unsupported,
                fmt::format("SPDY upgrade failed: the server named no stream protocol (offered {})",
                            fmt::join(request.protocols, ", ")));
            error.reason = "ProtocolRefused";
            return std::unexpected(std::move(error));
          }
          std::string protocol = result->protocol;
          return std::pair{std::move(*result), std::move(protocol)};
        });
    if (!upgraded) return std::unexpected(upgraded.error());
    auto session = SpdySession::start(std::move(upgraded->pipe), cancel);
    if (!session) return std::unexpected(session.error());
    return make_spdy_mux_connection(std::move(*session), std::move(upgraded->protocol),
                                    MuxFraming::HttpUpgrade);
  }

  std::string default_namespace() const override {
    return config_.namespace_.empty() ? "default" : config_.namespace_;
  }

  std::string server() const override { return config_.server; }

 private:
  // An HTTP/1.1 Upgrade on a new connection, logged at -v, retried once with refreshed
  // credentials after a 401. `handshake(connection, credentials)` yields the upgraded object
  // and the protocol the server chose.
  template <class Handshake>
  auto upgrade(const std::string& what, const UpgradeRequest& request, const CancelToken& cancel,
               Handshake handshake)
      -> Result<typename std::invoke_result_t<Handshake, std::unique_ptr<Connection>,
                                              const Credentials&>::value_type::first_type> {
    auto credentials = current_credentials(cancel);
    if (!credentials) return std::unexpected(credentials.error());
    for (bool refreshed = false;;) {
      auto started = SteadyClock::now();
      log(2, [&] {
        return fmt::format("{} offering {}", what, fmt::join(request.protocols, ", "));
      });
      auto connection = factory_->connect(*credentials, cancel);
      if (!connection) return std::unexpected(connection.error());
      auto upgraded = handshake(std::move(*connection), *credentials);
      if (upgraded) {
        log(1, [&] {
          return fmt::format("{} 101 Switching Protocols ({}) in {}ms", what, upgraded->second,
                             elapsed_ms(started));
        });
        return std::move(upgraded->first);
      }
      log(1, [&] {
        return fmt::format("{} failed in {}ms: {}", what, elapsed_ms(started),
                           mask_secrets(upgraded.error().message));
      });
      if (upgraded.error().http_status == 401 && !refreshed && config_.auth) {
        refreshed = true;
        if (auto fresh = config_.auth->refresh(cancel)) {
          credentials = std::move(fresh);
          continue;
        }
      }
      return std::unexpected(with_auth_note(upgraded.error()));
    }
  }

  // The ≥1.31 form: the same SPDY session over binary WebSocket messages, the protocol named
  // as the subprotocol `SPDY/3.1+<protocol>`.
  Result<std::unique_ptr<MuxConnection>> open_tunnelled_spdy(const UpgradeRequest& request,
                                                             const CancelToken& cancel) {
    static constexpr std::string_view prefix = "SPDY/3.1+";
    UpgradeRequest tunnelled = request;
    for (auto& protocol : tunnelled.protocols) protocol.insert(0, prefix);
    auto socket = open_websocket(tunnelled, cancel);
    if (!socket) return std::unexpected(socket.error());
    std::string protocol = (*socket)->protocol();
    if (protocol.rfind(prefix, 0) != 0) {
      Error error = make_error(
          ErrorKind::Unsupported,
          fmt::format("the server chose WebSocket subprotocol \"{:.100}\", not a SPDY tunnel",
                      protocol));
      error.reason = "ProtocolRefused";
      return std::unexpected(std::move(error));
    }
    protocol.erase(0, prefix.size());
    auto session = SpdySession::start(make_websocket_spdy_pipe(std::move(*socket)), cancel);
    if (!session) return std::unexpected(session.error());
    return make_spdy_mux_connection(std::move(*session), std::move(protocol),
                                    MuxFraming::WebSocketTunnel);
  }

  // A 401 says only "Unauthorized"; the credential's provider may know why (an exec plugin's
  // credential that had already expired).
  Error with_auth_note(Error error) const {
    if (error.http_status != 401 || !config_.auth) return error;
    const std::string note = config_.auth->rejection_note();
    if (note.empty()) return error;
    error.message += "; " + note;
    error.hint = "log in again with the tool behind the exec plugin (its cached credential is "
                 "stale), or clear that tool's credential cache";
    return error;
  }

  template <class Make>
  void log(int level, Make make) const {
    if (diagnostics_) diagnostics_(level, make());
  }

  std::string describe_request(const Request& request) const {
    return fmt::format("{} {}{}", request.method, url_.display(), request.path);
  }

  Result<Credentials> current_credentials(const CancelToken& cancel) {
    if (!config_.auth) return Credentials{};
    return config_.auth->credentials(cancel);
  }

  // Sends the request (retrying as the policy allows, refreshing credentials once on 401)
  // and returns once a final response head arrived.
  Result<Exchange> start(const Request& request, const CancelToken& cancel) {
    auto credentials = current_credentials(cancel);
    if (!credentials) return std::unexpected(credentials.error());
    bool refreshed = false;
    for (int retries = 0;;) {
      if (cancel.cancelled()) return cancelled(request);
      bool retryable = false;
      auto exchange = attempt(request, *credentials, cancel, retryable);
      std::optional<milliseconds> delay;
      if (!exchange) {
        if (cancel.cancelled()) return cancelled(request);
        if (retryable)
          delay = retry_delay(request.method, retries, AttemptResult{0, {}}, policy_,
                              std::chrono::system_clock::now());
        if (!delay) return std::unexpected(exchange.error());
        log(1, [&] {
          return fmt::format("{} failed: {}; retrying in {}ms", describe_request(request),
                             mask_secrets(exchange.error().message), delay->count());
        });
      } else {
        int status = exchange->head.status;
        if (status == 401 && !refreshed && config_.auth) {
          refreshed = true;
          if (auto fresh = config_.auth->refresh(cancel)) {
            log(1, [&] {
              return fmt::format("{} 401 Unauthorized; retrying with refreshed credentials ({})",
                                 describe_request(request), config_.auth->describe());
            });
            discard(request, std::move(*exchange));
            credentials = std::move(fresh);
            continue;
          }
        }
        if (status >= 200 && status < 300) return exchange;
        std::string retry_after = exchange->head.header("Retry-After");
        delay = retry_delay(request.method, retries, AttemptResult{status, retry_after}, policy_,
                            std::chrono::system_clock::now());
        if (!delay) return exchange;
        log(1, [&] {
          return fmt::format("{} {} {} in {}ms; retrying in {}ms", describe_request(request),
                             status, exchange->head.reason, elapsed_ms(exchange->started),
                             delay->count());
        });
        discard(request, std::move(*exchange));
      }
      ++retries;
      if (cancel.wait_for(*delay)) return cancelled(request);
    }
  }

  // One try: a pooled connection when there is one (a stale one is replaced once), else a
  // new one. `retryable` tells whether the failure happened before any response byte on a
  // connection that was established, which the retry policy may try again.
  Result<Exchange> attempt(const Request& request, const Credentials& credentials,
                           const CancelToken& cancel, bool& retryable) {
    Headers headers;
    headers.reserve(request.headers.size() + 4);
    headers.emplace_back("User-Agent", "orka/" ORKA_SDK_VERSION_STRING);
    if (!request.accept.empty()) headers.emplace_back("Accept", request.accept);
    if (!request.content_type.empty()) headers.emplace_back("Content-Type", request.content_type);
    add_credentials(headers, credentials);
    headers.insert(headers.end(), request.headers.begin(), request.headers.end());
    std::string target = url_.path_prefix;
    if (request.path.empty() || request.path.front() != '/') target += '/';
    target += request.path;
    auto formatted = format_request(request.method, target, url_.host_header(), headers,
                                    request.body);
    // The refusal quotes the target escaped; describe_request would print it raw.
    if (!formatted) return std::unexpected(formatted.error());
    const std::string wire = std::move(*formatted);
    log(2, [&] {
      std::string line = fmt::format("{}\n{}", describe_request(request),
                                     format_headers_for_log("  > ", headers));
      if (!request.body.empty()) line += "\n" + format_body_for_log(request.body);
      return line;
    });

    Exchange exchange;
    exchange.identity = identity_of(credentials);
    exchange.started = SteadyClock::now();
    auto pooled = pool_->take(exchange.identity);
    for (bool reused = pooled != nullptr;; reused = false) {
      if (reused) {
        exchange.connection = std::move(pooled);
      } else {
        auto fresh = factory_->connect(credentials, cancel);
        if (!fresh) {
          Error error = fresh.error();
          error.message = fmt::format("{}: {}", describe_request(request), error.message);
          log(1, [&] { return mask_secrets(error.message); });
          return std::unexpected(std::move(error));
        }
        exchange.connection = std::move(*fresh);
      }
      Connection* connection = exchange.connection.get();
      exchange.on_cancel = cancel.on_cancel([connection] { connection->shutdown(); });
      connection->set_timeout(request.timeout);
      exchange.reader = std::make_unique<ResponseReader>(*connection, request.timeout);

      auto written = connection->write_all(wire);
      Result<ResponseHead> head = written ? exchange.reader->read_head(request.method)
                                          : Result<ResponseHead>(std::unexpected(written.error()));
      if (head) {
        exchange.head = std::move(*head);
        return exchange;
      }
      Error error = head.error();
      exchange.on_cancel.reset();
      bool nothing_back = !exchange.reader->received_any() && connection->peer_went_away();
      exchange.connection.reset();
      if (cancel.cancelled()) return cancelled(request);
      // An idle connection the server closed meanwhile: only a request it cannot have
      // acted on (the write failed, or an idempotent one) goes again on a new connection.
      bool idempotent = request.method == "GET" || request.method == "HEAD";
      if (reused && nothing_back && (!written || idempotent)) {
        log(2, [&] { return fmt::format("{}: stale keep-alive connection; reconnecting",
                                        describe_request(request)); });
        continue;
      }
      retryable = nothing_back;
      error.message = fmt::format("{}: {}", describe_request(request), error.message);
      if (written && !idempotent) {
        // Nobody can tell whether the server acted: say so instead of implying it did not.
        error.message += "; the request had been sent, so the server may have applied it";
        error.hint = "check the object's current state before running the command again";
      }
      log(1, [&] { return mask_secrets(error.message); });
      return std::unexpected(std::move(error));
    }
  }

  // Reads (a bounded amount of) an unwanted body so the connection can be reused.
  void discard(const Request& request, Exchange exchange) {
    std::string body;
    if (exchange.reader->read_body_into(body, max_error_body)) {
      log(2, [&] {
        return fmt::format("{}\n{}", describe_request(request), format_body_for_log(body));
      });
      release(std::move(exchange));
    }
  }

  void release(Exchange exchange) {
    exchange.on_cancel.reset();
    if (exchange.reader->reusable())
      pool_->put(exchange.identity, std::move(exchange.connection));
  }

  Error failed(const Request& request, const Exchange& exchange, Error error,
               const CancelToken& cancel) const {
    if (cancel.cancelled()) return cancelled(request).error();
    error.message = fmt::format("{}: {}", describe_request(request), error.message);
    const int status = exchange.head.status;
    if (status >= 200 && status < 300 && request.method != "GET" && request.method != "HEAD") {
      error.message += fmt::format(
          "; the server had answered {} {}, so the change was made and only its answer was lost",
          status, exchange.head.reason);
      error.hint = "check the object's current state before running the command again";
    }
    log(1, [&] {
      return fmt::format("{} failed after {}ms: {}", describe_request(request),
                         elapsed_ms(exchange.started), mask_secrets(error.message));
    });
    return error;
  }

  std::unexpected<Error> cancelled(const Request& request) const {
    return fail(ErrorKind::Cancelled, fmt::format("{}: cancelled", describe_request(request)));
  }

  void log_response(const Request& request, const ResponseHead& head, const Headers& headers,
                    SteadyClock::time_point started, const std::string* body) const {
    if (!diagnostics_) return;
    diagnostics_(1, fmt::format("{} {} {} in {}ms", describe_request(request), head.status,
                                head.reason, elapsed_ms(started)));
    log(2, [&] {
      std::string line = format_headers_for_log("  < ", headers);
      if (body != nullptr && !body->empty()) line += "\n" + format_body_for_log(*body);
      return line;
    });
  }

  RestConfig config_;
  HttpUrl url_;
  DiagnosticSink diagnostics_;
  HttpClientOptions options_;
  RetryPolicy policy_;
  std::shared_ptr<ConnectionFactory> factory_;
  std::shared_ptr<ConnectionPool> pool_;
};

// A client whose every request fails with the configuration error (a bad server URL): the
// error then reaches the op that tried, with its message.
class BrokenClient final : public Client {
 public:
  BrokenClient(RestConfig config, Error error)
      : config_(std::move(config)), error_(std::move(error)) {}
  Result<Response> send(const Request&, const CancelToken&) override { return fail(error_); }
  Result<std::unique_ptr<ByteStream>> open_stream(const Request&, const CancelToken&) override {
    return fail(error_);
  }
  Result<std::unique_ptr<WebSocket>> open_websocket(const UpgradeRequest&,
                                                    const CancelToken&) override {
    return fail(error_);
  }
  Result<std::unique_ptr<MuxConnection>> open_multiplexed(const UpgradeRequest&, MuxFraming,
                                                          const CancelToken&) override {
    return fail(error_);
  }
  std::string default_namespace() const override {
    return config_.namespace_.empty() ? "default" : config_.namespace_;
  }
  std::string server() const override { return config_.server; }

 private:
  RestConfig config_;
  Error error_;
};

}  // namespace

std::shared_ptr<Client> make_http_client(RestConfig config, DiagnosticSink diagnostics,
                                         HttpClientOptions options,
                                         std::shared_ptr<ConnectionFactory> factory) {
  auto url = parse_http_url(config.server);
  if (!url) return std::make_shared<BrokenClient>(std::move(config), url.error());
  if (!factory) factory = make_tls_connection_factory(config, options.connect_timeout);
  return std::make_shared<HttpClient>(std::move(config), std::move(*url), std::move(diagnostics),
                                      options, std::move(factory));
}

std::shared_ptr<Client> make_http_client(RestConfig config, DiagnosticSink diagnostics,
                                         HttpClientOptions options) {
  return make_http_client(std::move(config), std::move(diagnostics), options, nullptr);
}

}  // namespace orka::core
