// Port-forward over SPDY/3.1 (plain or tunnelled in WebSocket messages): one MuxConnection per
// destination pod, shared by every local TCP connection; each local connection gets its own
// error and data stream pair, tied together by a `requestid` header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/client.hpp"
#include "orka/multiplex.hpp"

namespace orka::streaming {

// The shared MuxConnection of a forward. Reopened when the previous one ended (pod deleted,
// API server restarted) or the forward moved to another pod; a connection that is still using
// an older one keeps it until it finishes.
class MuxLink {
 public:
  // Called on every connection the link adopts or opens, before anyone uses it (keepalive).
  using Prepare = std::function<void(MuxConnection&)>;

  MuxLink(std::shared_ptr<Client> client, std::string namespace_, MuxFraming framing,
          std::vector<std::string> protocols, Prepare prepare = {});

  // Adopts a connection opened while choosing the transport.
  void adopt(std::string pod, std::unique_ptr<MuxConnection> connection);

  // The open connection to `pod`, opening one when there is none. Concurrent callers share one
  // open (the others wait for it).
  Result<std::shared_ptr<MuxConnection>> acquire(const std::string& pod, const CancelToken& cancel);

  // After a local connection failed on `connection`, new local connections get a fresh one.
  // The kubelet's SPDY library hands each stream's frames to one of five workers (stream id
  // mod 5); data sent on a stream whose port refused the connection is never read, so that
  // worker blocks for good and with it every later stream that lands on it. Connections still
  // running on the retired one finish there.
  void retire(const std::shared_ptr<MuxConnection>& connection);

  // Closes every connection ever handed out, so a stream waiting for the server's reply
  // returns. Later acquire() calls still work (used when the forward ends).
  void close_all() noexcept;

 private:
  std::shared_ptr<Client> client_;
  std::string namespace_;
  MuxFraming framing_;
  std::vector<std::string> protocols_;
  Prepare prepare_;
  std::mutex open_mutex_;  // held while opening, so concurrent callers share one open
  std::mutex mutex_;       // the fields below
  bool shut_ = false;
  std::string pod_;
  std::shared_ptr<MuxConnection> current_;
  std::vector<std::weak_ptr<MuxConnection>> handed_out_;
};

// The request that opens pods/portforward for `pod` (no ports query: SPDY names the port per
// stream).
UpgradeRequest spdy_portforward_request(const std::string& namespace_, const std::string& pod,
                                        std::vector<std::string> protocols);

struct SpdyForwardOutcome {
  std::uint64_t bytes_in = 0;   // pod → local client
  std::uint64_t bytes_out = 0;  // local client → pod
  // Why the connection failed ("" when it ended normally or was cancelled): the server's text
  // from the error stream, else what broke the data stream.
  std::string error;
};

// Copies between the local socket `fd` and `remote_port` in the pod over `connection`, until
// both directions ended, the server reported an error, or `cancel`. Half-closes both ways: the
// local client's EOF becomes a FIN on the data stream, the pod's FIN a shutdown(SHUT_WR) of
// `fd`. Only this connection's streams are reset when it fails. Does not close `fd`; every
// thread it starts is joined before it returns.
SpdyForwardOutcome forward_over_spdy(int fd, MuxConnection& connection, std::uint16_t remote_port,
                                     std::uint64_t request_id, const CancelToken& cancel);

}  // namespace orka::streaming
