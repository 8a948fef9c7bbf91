// SpdyPipe over a raw Connection and over binary WebSocket messages.
#include "transport/spdy_pipe.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace orka::core {
namespace {

class ConnectionPipe final : public SpdyPipe {
 public:
  ConnectionPipe(std::unique_ptr<Connection> connection, std::string early_bytes)
      : connection_(std::move(connection)), early_(std::move(early_bytes)) {}

  Result<std::size_t> read_some(char* buffer, std::size_t size) override {
    if (early_offset_ < early_.size()) {
      const std::size_t count = std::min(size, early_.size() - early_offset_);
      std::memcpy(buffer, early_.data() + early_offset_, count);
      early_offset_ += count;
      if (early_offset_ == early_.size()) std::string().swap(early_);
      if (early_.empty()) early_offset_ = 0;
      return count;
    }
    return connection_->read_some(buffer, size);
  }

  Result<void> write(std::string_view frames) override { return connection_->write_all(frames); }

  void shutdown() noexcept override { connection_->shutdown(); }

 private:
  std::unique_ptr<Connection> connection_;
  std::string early_;
  std::size_t early_offset_ = 0;
};

class WebSocketPipe final : public SpdyPipe {
 public:
  explicit WebSocketPipe(std::unique_ptr<WebSocket> socket) : socket_(std::move(socket)) {}

  Result<std::size_t> read_some(char* buffer, std::size_t size) override {
    while (offset_ == pending_.size()) {
      if (closed_) return 0;
      auto message = socket_->receive();
      if (!message) return fail(message.error());
      switch (message->opcode) {
        case WsOpcode::Binary:
          pending_ = std::move(message->payload);
          offset_ = 0;
          break;
        case WsOpcode::Close:
          closed_ = true;
          return 0;
        default:
          return fail(ErrorKind::Transport,
                      fmt::format("tunnelled SPDY: the server sent a WebSocket message of opcode "
                                  "{} where only binary messages carry SPDY frames",
                                  static_cast<int>(message->opcode)));
      }
    }
    const std::size_t count = std::min(size, pending_.size() - offset_);
    std::memcpy(buffer, pending_.data() + offset_, count);
    offset_ += count;
    return count;
  }

  Result<void> write(std::string_view frames) override {
    return socket_->send(WsOpcode::Binary, frames);
  }

  void shutdown() noexcept override { socket_->close(1000, {}); }

 private:
  std::unique_ptr<WebSocket> socket_;
  std::string pending_;
  std::size_t offset_ = 0;
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<SpdyPipe> make_connection_spdy_pipe(std::unique_ptr<Connection> connection,
                                                    std::string early_bytes) {
  return std::make_unique<ConnectionPipe>(std::move(connection), std::move(early_bytes));
}

std::unique_ptr<SpdyPipe> make_websocket_spdy_pipe(std::unique_ptr<WebSocket> socket) {
  return std::make_unique<WebSocketPipe>(std::move(socket));
}

}  // namespace orka::core
