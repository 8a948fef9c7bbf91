// LIST + WATCH with the recovery rules of client-go's reflector: a watch the server ends is
// resumed from the last resourceVersion seen; 410 Gone (the version was compacted away) means
// re-list. A watchdog thread turns the deadline into a cancellation so blocked reads wake up.
#include "orka/watch.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "orka/json_fields.hpp"
#include "orka/transient.hpp"
#include "watch_outage.hpp"
namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

namespace {

// One watch event is one object; etcd refuses objects over 1.5 MiB by default, so 16 MiB is
// more than any real event and caps what a line without an end may hold.
constexpr std::size_t kMaxWatchEventBytes = std::size_t{16} << 20;


std::optional<Permission> with_verb(const std::optional<Permission>& permission,
                                    const char* verb) {
  if (!permission) return std::nullopt;
  Permission p = *permission;
  p.verb = verb;
  return p;
}

bool is_gone(const Error& error) {
  return error.http_status == 410 || error.reason == "Expired" || error.reason == "Gone";
}

std::string resource_version_of(const nlohmann::json& object) {
  if (!object.is_object()) return {};
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return {};
  return json_string(*meta, "resourceVersion");
}

// Turns the deadline into a cancellation of `token`; joined by the destructor.
class Watchdog {
 public:
  Watchdog(CancelToken token, std::optional<std::chrono::steady_clock::time_point> deadline)
      : token_(std::move(token)) {
    if (!deadline) return;
    thread_ = std::thread([this, deadline] {
      auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      if (remaining.count() < 0) remaining = std::chrono::milliseconds(0);
      if (!token_.wait_for(remaining)) {
        expired_ = true;
        token_.cancel();
      }
    });
  }
  ~Watchdog() {
    token_.cancel();  // wakes the thread; the token is a child of the caller's, not the caller's
    if (thread_.joinable()) thread_.join();
  }
  bool expired() const { return expired_; }

 private:
  CancelToken token_;
  std::atomic<bool> expired_{false};
  std::thread thread_;
};

class WatchLoop {
 public:
  WatchLoop(Client& client, const WatchTarget& target, const WatchHandler& handler,
            const WatchLimits& limits, std::chrono::milliseconds max_outage,
            const CancelToken& caller)
      : client_(client), target_(target), handler_(handler), limits_(limits),
        max_outage_(max_outage), caller_(caller), token_(caller.child()),
        watchdog_(token_, limits.deadline) {}

  Result<void> run() {
    bool need_list = true;
    while (true) {
      if (auto stop = stopped()) return fail(*stop);
      if (need_list) {
        auto listed = list();
        if (!listed) {
          if (auto stop = stopped()) return fail(*stop);
          if (may_retry(listed.error())) continue;
          return fail(listed.error());
        }
        if (*listed == WatchAction::Stop) return {};
        need_list = false;
        outage_since_.reset();
      }
      const auto watch_started = std::chrono::steady_clock::now();
      auto watched = watch_once();
      if (!watched) {
        if (auto stop = stopped()) return fail(*stop);
        if (is_gone(watched.error())) {
          need_list = true;
          continue;
        }
        if (may_retry(watched.error())) continue;
        return fail(watched.error());
      }
      if (watched->stop) return {};
      if (watched->events > 0) outage_since_.reset();
      // The server ended the watch (timeoutSeconds): resume from the last version seen. One
      // that ends at once without events is not allowed to turn into a busy loop.
      if (watched->events == 0 &&
          std::chrono::steady_clock::now() - watch_started < std::chrono::milliseconds(100))
        token_.wait_for(std::chrono::milliseconds(100));
    }
  }

 private:
  struct WatchRound {
    bool stop = false;
    int events = 0;
  };

  // Why the loop must end now, if it must.
  std::optional<Error> stopped() const {
    if (watchdog_.expired() && !caller_.cancelled()) {
      return make_error(ErrorKind::Timeout, "the wait timed out");
    }
    if (caller_.cancelled()) return make_error(ErrorKind::Cancelled, "cancelled");
    return std::nullopt;
  }

  // A transient failure (the server restarting, a cut connection) is retried after a pause
  // while the failures in a row have lasted less than max_outage_; true when retrying.
  bool may_retry(const Error& error) {
    if (handler_failed_ || !is_transient(error)) return false;
    const auto now = std::chrono::steady_clock::now();
    if (!outage_since_) outage_since_ = now;
    if (now - *outage_since_ >= max_outage_) return false;
    token_.wait_for(limits_.retry_delay);
    return true;
  }

  // The handler's own error ends the wait as it is: it is never a failure to retry.
  Result<WatchAction> deliver(const WatchEvent& event) {
    auto action = handler_(event);
    if (!action) handler_failed_ = true;
    return action;
  }

  Result<WatchAction> list() {
    Request request;
    request.path = watch_path(target_, false, "", limits_.server_timeout).str();
    request.permission = with_verb(target_.permission, "list");
    auto response = client_.send(request, token_);
    if (!response) return fail(response.error());
    auto body = nlohmann::json::parse(response->body, nullptr, false);
    if (!body.is_object())
      return fail(ErrorKind::Transport,
                  "the API server answered a LIST of " + target_.collection_path.path() +
                      " with non-JSON");
    resource_version_ = resource_version_of(body);
    nlohmann::json items = nlohmann::json::array();
    if (auto it = body.find("items"); it != body.end() && it->is_array()) items = std::move(*it);
    return deliver(WatchEvent{WatchEvent::Type::Listed, std::move(items)});
  }

  Result<WatchRound> watch_once() {
    Request request;
    request.path = watch_path(target_, true, resource_version_, limits_.server_timeout).str();
    request.permission = with_verb(target_.permission, "watch");
    // The server ends the watch after timeoutSeconds; a silent connection well past that is dead.
    request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        limits_.server_timeout + std::chrono::seconds(30));
    auto stream = client_.open_stream(request, token_);
    if (!stream) return fail(stream.error());

    WatchRound round;
    std::string buffer;
    char chunk[16384];
    while (true) {
      auto n = (*stream)->read(chunk, sizeof chunk);
      if (!n) return fail(n.error());
      if (*n == 0) break;
      buffer.append(chunk, *n);
      std::size_t start = 0;
      for (std::size_t end; (end = buffer.find('\n', start)) != std::string::npos; start = end + 1) {
        std::string_view line(buffer.data() + start, end - start);
        if (line.empty() || line == "\r") continue;
        auto handled = handle_line(line, round);
        if (!handled) return fail(handled.error());
        if (*handled == WatchAction::Stop) {
          round.stop = true;
          return round;
        }
      }
      buffer.erase(0, start);
      if (buffer.size() > kMaxWatchEventBytes)
        return fail(ErrorKind::Transport,
                    fmt::format("the API server sent a watch event longer than {} MiB",
                                kMaxWatchEventBytes >> 20),
                    "a Kubernetes API server does not send this; check the server URL");
      if (token_.cancelled()) break;
    }
    return round;
  }

  Result<WatchAction> handle_line(std::string_view line, WatchRound& round) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_object() || !event.contains("type"))
      return fail(ErrorKind::Transport,
                  "the API server sent a watch event that is not JSON: " +
                      std::string(line.substr(0, 200)));
    const std::string type = json_string(event, "type");
    nlohmann::json object = event.contains("object") ? std::move(event["object"]) : nlohmann::json{};
    if (type == "ERROR") {
      const int code = static_cast<int>(json_integer(object, "code", 500, 100, 599));
      return fail(error_from_http(code, object.dump(), target_.permission));
    }
    std::string version = resource_version_of(object);
    if (!version.empty()) resource_version_ = version;
    if (type == "BOOKMARK") return WatchAction::Continue;
    WatchEvent out;
    if (type == "ADDED") {
      out.type = WatchEvent::Type::Added;
    } else if (type == "MODIFIED") {
      out.type = WatchEvent::Type::Modified;
    } else if (type == "DELETED") {
      out.type = WatchEvent::Type::Deleted;
    } else {
      return WatchAction::Continue;  // a newer event type this client does not know
    }
    ++round.events;
    out.object = std::move(object);
    return deliver(out);
  }

  Client& client_;
  const WatchTarget& target_;
  const WatchHandler& handler_;
  const WatchLimits& limits_;
  const std::chrono::milliseconds max_outage_;
  const CancelToken& caller_;
  CancelToken token_;
  Watchdog watchdog_;
  std::string resource_version_;
  std::optional<std::chrono::steady_clock::time_point> outage_since_;  // first failure in a row
  bool handler_failed_ = false;
};

}  // namespace

ApiPath watch_path(const WatchTarget& target, bool watch, const std::string& resource_version,
                   std::chrono::seconds server_timeout) {
  ApiPath path = target.collection_path;
  if (!target.field_selector.empty()) path.query("fieldSelector", target.field_selector);
  if (!target.label_selector.empty()) path.query("labelSelector", target.label_selector);
  if (watch) {
    path.query("watch", "true").query("allowWatchBookmarks", "true");
    if (!resource_version.empty()) path.query("resourceVersion", resource_version);
    path.query("timeoutSeconds",
               std::to_string(std::max<long long>(1, server_timeout.count())));
  }
  return path;
}

Result<void> list_and_watch_riding_out(Client& client, const WatchTarget& target,
                                       const WatchHandler& handler, const WatchLimits& limits,
                                       std::chrono::milliseconds max_outage,
                                       const CancelToken& cancel) {
  WatchLoop loop(client, target, handler, limits, max_outage, cancel);
  return loop.run();
}

Result<void> list_and_watch(Client& client, const WatchTarget& target, const WatchHandler& handler,
                            const WatchLimits& limits, const CancelToken& cancel) {
  return list_and_watch_riding_out(client, target, handler, limits, kWatchMaxOutage, cancel);
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
