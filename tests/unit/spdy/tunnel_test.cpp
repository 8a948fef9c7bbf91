// The same SPDY session over binary WebSocket messages (the tunnelled form API servers >= 1.31
// offer as `SPDY/3.1+portforward.k8s.io`), driven by recorded server frames split across
// messages at awkward places. No cluster on this machine speaks it (1.20), hence the recording.
#include <doctest/doctest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "transport/spdy_session.hpp"

using namespace orka;
using namespace orka::core;

namespace {

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (unsigned value : values) out += static_cast<char>(value);
  return out;
}

// SYN_REPLY for stream 1 with an empty header block, assembled by hand from the spec: the
// control header, the stream id, then a zlib stream (78 bb: deflate with FDICT; e3c6a7c2: the
// SPDY/3 dictionary's Adler-32) holding one stored, non-final deflate block of the 4-byte block
// "0 pairs", as a sync flush leaves it.
const std::string kRecordedSynReply =
    bytes({0x80, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00, 0x01, 0x78, 0xbb,
           0xe3, 0xc6, 0xa7, 0xc2, 0x00, 0x04, 0x00, 0xfb, 0xff, 0x00, 0x00, 0x00, 0x00});
// DATA for stream 1, FIN, "hello".
const std::string kRecordedData =
    bytes({0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x05}) + "hello";

// A WebSocket whose server messages are released once the client has sent `after_sends`
// messages, so replies never overtake the requests they answer.
class ScriptedWebSocket final : public WebSocket {
 public:
  struct Incoming {
    std::size_t after_sends;
    WsMessage message;
  };
  explicit ScriptedWebSocket(std::deque<Incoming> script) : script_(std::move(script)) {}

  const std::string& protocol() const override { return protocol_; }

  Result<void> send(WsOpcode opcode, std::string_view payload) override {
    std::lock_guard lock(mutex_);
    if (closed_) return fail(ErrorKind::Transport, "the WebSocket is closed");
    sent_.push_back(WsMessage{opcode, std::string(payload)});
    changed_.notify_all();
    return {};
  }

  Result<WsMessage> receive() override {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
      return closed_ || (!script_.empty() && sent_.size() >= script_.front().after_sends);
    });
    if (closed_ || script_.empty()) return WsMessage{WsOpcode::Close, bytes({0x03, 0xe8})};
    WsMessage message = std::move(script_.front().message);
    script_.pop_front();
    return message;
  }

  void close(std::uint16_t, std::string_view) noexcept override {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  std::vector<WsMessage> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }

  // Waits until `count` messages were sent.
  bool wait_sent(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return sent_.size() >= count; });
  }

 private:
  std::string protocol_ = "SPDY/3.1+portforward.k8s.io";
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Incoming> script_;
  std::vector<WsMessage> sent_;
  bool closed_ = false;
};

WsMessage binary(std::string payload) { return WsMessage{WsOpcode::Binary, std::move(payload)}; }

}  // namespace

TEST_CASE("tunnelled SPDY: frames split across binary messages, one message per write") {
  const std::string incoming = kRecordedSynReply + kRecordedData;
  // Message boundaries inside the SYN_REPLY header, inside its zlib stream, and inside the
  // DATA frame's header.
  std::deque<ScriptedWebSocket::Incoming> script{
      {2, binary(incoming.substr(0, 5))},
      {2, binary(incoming.substr(5, 15))},
      {2, binary(incoming.substr(20, 10))},
      {2, binary(incoming.substr(30))},
  };
  auto socket = std::make_unique<ScriptedWebSocket>(std::move(script));
  ScriptedWebSocket* ws = socket.get();
  CancelToken cancel;
  auto session = SpdySession::start(make_websocket_spdy_pipe(std::move(socket)), cancel);
  REQUIRE(session.has_value());
  auto stream = (*session)->open_stream({{"streamtype", "data"}, {"port", "80"}, {"requestid", "0"}});
  REQUIRE_MESSAGE(stream.has_value(), stream.error().message);
  CHECK((*stream)->reply_headers().empty());

  std::string body;
  char buffer[3];
  for (;;) {
    auto got = (*stream)->read(buffer, sizeof buffer);
    REQUIRE(got.has_value());
    if (*got == 0) break;
    body.append(buffer, *got);
  }
  CHECK(body == "hello");

  REQUIRE((*stream)->write("tunnelled").has_value());
  REQUIRE(ws->wait_sent(3));
  const auto sent = ws->sent();
  // Message 1: SETTINGS + the session WINDOW_UPDATE (one write); 2: SYN_STREAM; 3: the DATA.
  for (const auto& message : sent) CHECK(message.opcode == WsOpcode::Binary);
  CHECK(sent[0].payload.substr(0, 4) == bytes({0x80, 0x03, 0x00, 0x04}));
  CHECK(sent[1].payload.substr(0, 4) == bytes({0x80, 0x03, 0x00, 0x01}));
  CHECK(sent[2].payload == bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09}) + "tunnelled");

  // The server's SYN_STREAM headers decode with a fresh decompressor: one zlib stream per
  // direction, started by the client's first header block.
  SpdyFrameDecoder server_side;
  server_side.feed(sent[0].payload);
  server_side.feed(sent[1].payload);
  std::vector<SpdyFrame> frames;
  while (auto frame = server_side.next()) {
    REQUIRE(frame.has_value());
    if (!*frame) break;
    frames.push_back(std::move(**frame));
  }
  REQUIRE(frames.size() == 3);
  CHECK(*spdy_find_header(frames[2].headers, "port") == "80");
  (*session)->close();
}

TEST_CASE("tunnelled SPDY: a text message is a protocol error that ends the session") {
  std::deque<ScriptedWebSocket::Incoming> script{
      {1, WsMessage{WsOpcode::Text, "not spdy"}},
  };
  CancelToken cancel;
  auto session = SpdySession::start(
      make_websocket_spdy_pipe(std::make_unique<ScriptedWebSocket>(std::move(script))), cancel);
  REQUIRE(session.has_value());
  auto stream = (*session)->open_stream({});
  REQUIRE_FALSE(stream.has_value());
  CHECK(stream.error().kind == ErrorKind::Transport);
  CHECK(stream.error().message.find("only binary messages carry SPDY frames") != std::string::npos);
}
