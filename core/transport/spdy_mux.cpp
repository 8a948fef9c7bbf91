// MuxConnection/MuxStream adapters over SpdySession/SpdyStream.
#include "transport/spdy_mux.hpp"

#include "orka/keepalive.hpp"
#include "transport/spdy_pinger.hpp"

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

// Pings at kDefaultKeepalive from the start, so a forward or exec opened by any caller survives
// idle limits; set_keepalive() (orka/keepalive.hpp) changes or stops it.
class SpdyMuxConnection final : public MuxConnection, public KeepaliveControl {
 public:
  SpdyMuxConnection(std::unique_ptr<SpdySession> session, std::string protocol,
                    MuxFraming framing)
      : session_(std::move(session)),
        protocol_(std::move(protocol)),
        framing_(framing),
        pinger_([session = session_.get()](std::chrono::milliseconds timeout) {
                  return session->ping(timeout);
                },
                [session = session_.get()](Error why) { session->abort(std::move(why)); },
                kDefaultKeepalive) {}
  ~SpdyMuxConnection() override {
    session_->close();  // first: a PING in flight returns at once
    pinger_.stop();
  }

  void set_keepalive(std::chrono::milliseconds interval) noexcept override {
    pinger_.set_interval(interval);
  }
  std::chrono::milliseconds keepalive() const noexcept override { return pinger_.interval(); }

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
  SpdyPinger pinger_;
};

}  // namespace

std::unique_ptr<MuxConnection> make_spdy_mux_connection(std::unique_ptr<SpdySession> session,
                                                        std::string protocol, MuxFraming framing) {
  return std::make_unique<SpdyMuxConnection>(std::move(session), std::move(protocol), framing);
}

}  // namespace orka::core
