// Hand-written fakes for the streaming ops' tests: scripted response bodies, a scripted
// WebSocket and a Client that serves them in order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/client.hpp"
#include "orka/keepalive.hpp"
#include "scripted_byte_stream.hpp"

namespace orka::testing {

// A WebSocket whose received messages are scripted; what the client sends is recorded. Like
// the real client's, its receive() returns Cancelled once the token it was opened with is, and
// it takes a keepalive interval (recorded in keepalive_ms, which outlives the socket).
class ScriptedWebSocket final : public WebSocket, public KeepaliveControl {
 public:
  explicit ScriptedWebSocket(std::string protocol) : protocol_(std::move(protocol)) {}
  const std::string& protocol() const override { return protocol_; }
  void set_keepalive(std::chrono::milliseconds interval) noexcept override {
    *keepalive_ms = interval.count();
  }
  std::chrono::milliseconds keepalive() const noexcept override {
    return std::chrono::milliseconds(keepalive_ms->load());
  }
  // -1: never set.
  std::shared_ptr<std::atomic<long long>> keepalive_ms =
      std::make_shared<std::atomic<long long>>(-1);
  Result<void> send(WsOpcode, std::string_view payload) override {
    std::lock_guard lock(mutex_);
    if (closed_) return fail(ErrorKind::Transport, "closed");
    sent.emplace_back(payload);
    if (sent_log) sent_log->emplace_back(payload);
    changed_.notify_all();
    return {};
  }
  Result<WsMessage> receive() override {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
      return !incoming_.empty() || closed_ || cancelled_ || cut_ || (hold_until_ && hold_until_(sent));
    });
    if (cancelled_) return fail(ErrorKind::Cancelled, "cancelled");
    if (!incoming_.empty()) {
      WsMessage m = std::move(incoming_.front());
      incoming_.pop_front();
      return m;
    }
    if (closed_) return fail(ErrorKind::Transport, "closed");
    if (cut_) return fail(ErrorKind::Transport, *cut_);
    if (!last_.empty()) {
      WsMessage m = std::move(last_.front());
      last_.pop_front();
      return m;
    }
    return WsMessage{WsOpcode::Close, std::string("\x03\xe8", 2)};
  }
  void close(std::uint16_t, std::string_view) noexcept override {
    if (on_close) on_close();
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }
  // What FakeClient::open_websocket does with the token it was given.
  void follow(const CancelToken& cancel) {
    cancel_registration_ = cancel.on_cancel([this] {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      changed_.notify_all();
    });
  }
  void script(WsOpcode opcode, std::string payload) {
    std::lock_guard lock(mutex_);
    incoming_.push_back(WsMessage{opcode, std::move(payload)});
    changed_.notify_all();
  }
  // After the scripted messages, receive() fails with `reason`: the connection was cut.
  void cut(std::string reason) {
    std::lock_guard lock(mutex_);
    cut_ = std::move(reason);
    changed_.notify_all();
  }
  // When set, receive() answers `last` (e.g. an exec status) and then a Close once the
  // predicate holds over what was sent.
  void end_when(std::function<bool(const std::vector<std::string>&)> predicate,
                std::vector<WsMessage> last = {}) {
    std::lock_guard lock(mutex_);
    hold_until_ = std::move(predicate);
    last_.assign(std::make_move_iterator(last.begin()), std::make_move_iterator(last.end()));
    // What the predicate waits for may already have been sent: let receive() look again.
    changed_.notify_all();
  }
  std::vector<std::string> sent_copy() {
    std::lock_guard lock(mutex_);
    return sent;
  }

  std::vector<std::string> sent;
  // Outlives the socket (an op may destroy it before the test looks). Set before use.
  std::shared_ptr<std::vector<std::string>> sent_log;
  // Called at the start of every close(), on the closing thread. Set before use.
  std::function<void()> on_close;

 private:
  std::string protocol_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<WsMessage> incoming_;
  bool closed_ = false;
  bool cancelled_ = false;
  std::optional<std::string> cut_;
  std::function<bool(const std::vector<std::string>&)> hold_until_;
  std::deque<WsMessage> last_;
  // Last: unregistered (waiting for a running callback) before the members it touches go.
  CancelToken::Registration cancel_registration_;
};

// Serves GETs from a path → body map, log streams and WebSockets from queues; records paths.
class FakeClient final : public Client {
 public:
  Result<Response> send(const Request& request, const CancelToken&) override {
    std::lock_guard lock(mutex_);
    requests.push_back(request.path);
    if (auto seq = json_sequence.find(request.path); seq != json_sequence.end() && !seq->second.empty()) {
      Response r;
      r.status = 200;
      r.body = seq->second.front();
      if (seq->second.size() > 1) seq->second.pop_front();
      return r;
    }
    auto it = json_bodies.find(request.path);
    if (it == json_bodies.end()) {
      Error e = make_error(ErrorKind::NotFound, "not found: " + request.path);
      e.http_status = 404;
      return fail(std::move(e));
    }
    Response r;
    r.status = 200;
    r.body = it->second;
    return r;
  }
  Result<std::unique_ptr<ByteStream>> open_stream(const Request& request, const CancelToken&) override {
    std::lock_guard lock(mutex_);
    stream_paths.push_back(request.path);
    if (streams.empty()) return fail(ErrorKind::NotFound, "no more scripted streams");
    auto next = std::move(streams.front());
    streams.pop_front();
    return next;
  }
  Result<std::unique_ptr<WebSocket>> open_websocket(const UpgradeRequest& request, const CancelToken& cancel) override {
    std::lock_guard lock(mutex_);
    websocket_paths.push_back(request.path);
    offered_protocols = request.protocols;
    if (websockets.empty()) return fail(ErrorKind::Transport, "no more scripted websockets");
    auto next = std::move(websockets.front());
    websockets.pop_front();
    if (auto* scripted = dynamic_cast<ScriptedWebSocket*>(next.get())) scripted->follow(cancel);
    return next;
  }
  std::size_t websockets_left() {
    std::lock_guard lock(mutex_);
    return websockets.size();
  }
  std::size_t streams_opened() {
    std::lock_guard lock(mutex_);
    return stream_paths.size();
  }
  std::string default_namespace() const override { return "default"; }
  std::string server() const override { return "https://127.0.0.1:6443"; }

  std::map<std::string, std::string> json_bodies;
  // Answers in turn; the last one repeats.
  std::map<std::string, std::deque<std::string>> json_sequence;
  std::deque<std::unique_ptr<ByteStream>> streams;
  std::deque<std::unique_ptr<WebSocket>> websockets;
  std::vector<std::string> requests;
  std::vector<std::string> stream_paths;
  std::vector<std::string> websocket_paths;
  std::vector<std::string> offered_protocols;

 private:
  std::mutex mutex_;
};

}  // namespace orka::testing
