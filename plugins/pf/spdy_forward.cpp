#include "spdy_forward.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <string_view>
#include <thread>

#include <fmt/format.h>
#include <sys/socket.h>

#include "orka/pod_targets.hpp"

namespace orka::streaming {
namespace {

constexpr std::size_t kPumpBuffer = 256 * 1024;
constexpr std::size_t kErrorBuffer = 4096;

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers stream_headers(std::string_view type, const std::string& port, const std::string& request_id) {
  return {{"streamtype", std::string(type)}, {"port", port}, {"requestid", request_id}};
}

// What the two pumps of one connection share.
struct BridgeState {
  std::mutex mutex;
  std::string failure;  // the first transport failure not caused by this side
  // Set before this side resets the streams on purpose: the failures that follow are expected.
  std::atomic<bool> abandoned{false};

  void note_failure(const Error& error) {
    if (abandoned || error.kind == ErrorKind::Cancelled) return;
    std::lock_guard lock(mutex);
    if (failure.empty()) failure = error.message;
  }
};

// Cancellation reaches the shared connection a moment before this connection's own token: it is
// the forward ending, not this connection failing.
std::string failure_text(const Error& error) {
  return error.kind == ErrorKind::Cancelled ? std::string() : error.message;
}

// Like write_all, but counts what the local client got even when it stops part way.
bool send_counted(int fd, const char* data, std::size_t size, std::uint64_t& sent) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
    sent += static_cast<std::uint64_t>(n);
  }
  return true;
}

}  // namespace

MuxLink::MuxLink(std::shared_ptr<Client> client, std::string namespace_, MuxFraming framing,
                 std::vector<std::string> protocols, Prepare prepare)
    : client_(std::move(client)),
      namespace_(std::move(namespace_)),
      framing_(framing),
      protocols_(std::move(protocols)),
      prepare_(std::move(prepare)) {}

void MuxLink::adopt(std::string pod, std::unique_ptr<MuxConnection> connection) {
  if (connection && prepare_) prepare_(*connection);
  std::lock_guard lock(mutex_);
  pod_ = std::move(pod);
  current_ = std::shared_ptr<MuxConnection>(std::move(connection));
  handed_out_.push_back(current_);
}

Result<std::shared_ptr<MuxConnection>> MuxLink::acquire(const std::string& pod, const CancelToken& cancel) {
  // One open at a time: connections accepted together while the link is down share the new one.
  std::lock_guard opening(open_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (shut_) return fail(ErrorKind::Cancelled, "the forward is ending");
    if (current_ && !current_->closed() && pod_ == pod) return current_;
    current_.reset();  // connections still on it keep it until they finish
  }
  auto opened = client_->open_multiplexed(spdy_portforward_request(namespace_, pod, protocols_), framing_, cancel);
  if (!opened) return fail(opened.error());
  if (prepare_) prepare_(**opened);
  std::shared_ptr<MuxConnection> connection(std::move(*opened));
  std::lock_guard lock(mutex_);
  if (shut_) {
    connection->close();
    return fail(ErrorKind::Cancelled, "the forward is ending");
  }
  std::erase_if(handed_out_, [](const auto& weak) { return weak.expired(); });
  handed_out_.push_back(connection);
  pod_ = pod;
  current_ = connection;
  return connection;
}

void MuxLink::retire(const std::shared_ptr<MuxConnection>& connection) {
  std::lock_guard lock(mutex_);
  if (current_ == connection) current_.reset();
}

void MuxLink::close_all() noexcept {
  std::vector<std::shared_ptr<MuxConnection>> alive;
  {
    std::lock_guard lock(mutex_);
    shut_ = true;
    current_.reset();
    for (auto& weak : handed_out_)
      if (auto connection = weak.lock()) alive.push_back(std::move(connection));
    handed_out_.clear();
  }
  for (auto& connection : alive) connection->close();
}

UpgradeRequest spdy_portforward_request(const std::string& namespace_, const std::string& pod,
                                        std::vector<std::string> protocols) {
  UpgradeRequest request;
  request.path = pod_path(namespace_, pod).segment("portforward").str();
  request.protocols = std::move(protocols);
  request.permission = Permission{"create", "", "pods", "portforward", namespace_, pod};
  return request;
}

SpdyForwardOutcome forward_over_spdy(int fd, MuxConnection& connection, std::uint16_t remote_port,
                                     std::uint64_t request_id, const CancelToken& cancel) {
  SpdyForwardOutcome outcome;
  const std::string port = std::to_string(remote_port);
  const std::string id = std::to_string(request_id);
  // The error stream first, like kubectl: the kubelet pairs the two by requestid and starts
  // forwarding once both exist.
  auto opened_error = connection.open_stream(stream_headers("error", port, id));
  if (!opened_error) {
    outcome.error = failure_text(opened_error.error());
    return outcome;
  }
  std::shared_ptr<MuxStream> errors = std::move(*opened_error);
  (void)errors->close_write();  // the client never writes to it
  auto opened_data = connection.open_stream(stream_headers("data", port, id));
  if (!opened_data) {
    errors->reset();
    outcome.error = failure_text(opened_data.error());
    return outcome;
  }
  std::shared_ptr<MuxStream> data = std::move(*opened_data);

  BridgeState state;
  auto abandon = [&] {
    state.abandoned = true;
    data->reset();
    ::shutdown(fd, SHUT_RDWR);
  };
  auto closer = cancel.on_cancel([&] {
    state.abandoned = true;
    data->reset();
    errors->reset();
    ::shutdown(fd, SHUT_RDWR);
  });

  std::atomic<std::uint64_t> bytes_out{0};
  std::thread upstream([&] {
    std::unique_ptr<char[]> buffer(new char[kPumpBuffer]);
    for (;;) {
      const ssize_t n = ::recv(fd, buffer.get(), kPumpBuffer, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) {
        // The local client is done sending: the pod sees EOF and may still answer.
        if (!state.abandoned) (void)data->close_write();
        return;
      }
      if (n < 0) break;  // the local client reset the connection
      auto written = data->write(std::string_view(buffer.get(), static_cast<std::size_t>(n)));
      if (!written) {
        state.note_failure(written.error());
        break;
      }
      bytes_out += static_cast<std::uint64_t>(n);
    }
    abandon();
  });

  std::string error_text;  // from the error stream: why forwarding to the pod's port failed
  {
    std::unique_ptr<char[]> buffer(new char[kPumpBuffer]);
    bool remote_eof = false;
    for (;;) {
      auto n = data->read(buffer.get(), kPumpBuffer);
      if (!n) {
        state.note_failure(n.error());
        break;
      }
      if (*n == 0) {
        remote_eof = true;
        break;
      }
      if (!send_counted(fd, buffer.get(), *n, outcome.bytes_in)) break;  // the local client went away
    }
    if (remote_eof) {
      // The kubelet writes any error text, then closes the error stream, then the data stream
      // (pkg/kubelet/cri/streaming/portforward/httpstream.go); frames of one connection arrive
      // in order. So once the data stream ended, the error stream holds all it ever will: it is
      // read here, without a thread of its own waiting on it for the connection's whole life.
      char text[kErrorBuffer];
      for (;;) {
        auto n = errors->read(text, sizeof text);
        if (!n || *n == 0) break;
        error_text.append(text, *n);
      }
    }
    if (remote_eof && error_text.empty())
      ::shutdown(fd, SHUT_WR);  // the pod is done sending; the local client may still send
    else
      abandon();  // only this connection's streams: the others go on
  }
  upstream.join();
  closer.reset();
  // kubectl removes both streams once done; a stream the server already closed is left alone.
  data->reset();
  errors->reset();
  outcome.bytes_out = bytes_out.load();
  if (!cancel.cancelled()) {
    std::lock_guard lock(state.mutex);
    outcome.error = !error_text.empty() ? error_text : state.failure;
  }
  return outcome;
}

}  // namespace orka::streaming
