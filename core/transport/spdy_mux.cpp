// MuxConnection/MuxStream adapters over SpdySession/SpdyStream.
#include "transport/spdy_mux.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

std::string_view to_string(MuxFraming framing) {
  switch (framing) {
    case MuxFraming::HttpUpgrade: return "SPDY/3.1";
    case MuxFraming::WebSocketTunnel: return "SPDY/3.1 over WebSocket";
  }
  return "?";
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka

namespace orka::core {
namespace {

class SpdyMuxStream final : public MuxStream {
 public:
  explicit SpdyMuxStream(std::shared_ptr<SpdyStream> stream) : stream_(std::move(stream)) {}
  Result<std::size_t> read(char* buffer, std::size_t size) override {
    return stream_->read(buffer, size);
  }
  Result<void> write(std::string_view bytes) override { return stream_->write(bytes); }
  Result<void> close_write() override { return stream_->close_write(); }
  void reset() noexcept override { stream_->reset(); }

 private:
  std::shared_ptr<SpdyStream> stream_;
};

class SpdyMuxConnection final : public MuxConnection {
 public:
  SpdyMuxConnection(std::unique_ptr<SpdySession> session, std::string protocol,
                    MuxFraming framing)
      : session_(std::move(session)), protocol_(std::move(protocol)), framing_(framing) {}
  ~SpdyMuxConnection() override { session_->close(); }

  const std::string& protocol() const override { return protocol_; }
  MuxFraming framing() const override { return framing_; }

  Result<std::shared_ptr<MuxStream>> open_stream(
      const std::vector<std::pair<std::string, std::string>>& headers) override {
    auto stream = session_->open_stream(headers);
    if (!stream) return fail(stream.error());
    return std::make_shared<SpdyMuxStream>(std::move(*stream));
  }

  bool closed() const override { return session_->closed(); }
  void close() noexcept override { session_->close(); }

 private:
  std::unique_ptr<SpdySession> session_;
  std::string protocol_;
  MuxFraming framing_;
};

}  // namespace

std::unique_ptr<MuxConnection> make_spdy_mux_connection(std::unique_ptr<SpdySession> session,
                                                        std::string protocol, MuxFraming framing) {
  return std::make_unique<SpdyMuxConnection>(std::move(session), std::move(protocol), framing);
}

}  // namespace orka::core
