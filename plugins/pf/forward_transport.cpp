#include "forward_transport.hpp"

#include <optional>

#include <fmt/format.h>

#include "orka/channels.hpp"
#include "spdy_forward.hpp"

namespace orka::streaming {
namespace {

// The stream protocol of port-forward over SPDY (both framings).
constexpr std::string_view kSpdyPortForwardProtocol = "portforward.k8s.io";

void note(const ForwardDiagnostics& log, int level, const std::string& line) {
  if (log) log(level, line);
}

}  // namespace

MuxFraming mux_framing(WireTransport wire) {
  return wire == WireTransport::SpdyOverWebSocket ? MuxFraming::WebSocketTunnel : MuxFraming::HttpUpgrade;
}

Result<ForwardWire> choose_forward_wire(Client& client, const std::string& namespace_, const std::string& pod,
                                        StreamTransport requested, const CancelToken& cancel,
                                        const ForwardDiagnostics& log,
                                        const ServerVersionSource& server_version) {
  std::optional<ServerVersion> server;
  if (requested == StreamTransport::Auto) {
    auto version = server_version ? server_version(cancel) : fetch_server_version(client, cancel);
    if (version)
      server = *version;
    else if (version.error().kind == ErrorKind::Cancelled)
      return fail(version.error());
    else
      note(log, 1, fmt::format("pf: server version unknown ({})", version.error().message));
  }
  const TransportPlan plan = plan_forward_transport(requested, server);
  if (plan.attempts.empty()) return fail(ErrorKind::Internal, "port-forward has no transport to try");
  note(log, 1, fmt::format("pf: transport plan: {}", describe(plan)));
  for (std::size_t i = 0; i < plan.attempts.size(); ++i) {
    const TransportAttempt& attempt = plan.attempts[i];
    ForwardWire chosen;
    chosen.wire = attempt.wire;
    chosen.protocols = attempt.protocols;
    if (attempt.wire == WireTransport::WebSocket) {
      if (chosen.protocols.empty()) chosen.protocols = portforward_protocols();
      note(log, 1, "pf: using WebSocket (one per local connection)");
      return chosen;
    }
    if (chosen.protocols.empty()) chosen.protocols = {std::string(kSpdyPortForwardProtocol)};
    auto opened = client.open_multiplexed(spdy_portforward_request(namespace_, pod, chosen.protocols),
                                          mux_framing(attempt.wire), cancel);
    if (opened) {
      chosen.connection = std::move(*opened);
      note(log, 1, fmt::format("pf: using {} ({})", to_string(attempt.wire), chosen.connection->protocol()));
      return chosen;
    }
    if (i + 1 < plan.attempts.size() && may_try_next_transport(opened.error())) {
      note(log, 1, fmt::format("pf: {} was refused ({}); trying {}", to_string(attempt.wire), opened.error().message,
                               to_string(plan.attempts[i + 1].wire)));
      continue;
    }
    return fail(opened.error());
  }
  return fail(ErrorKind::Internal, "port-forward has no transport left to try");
}

}  // namespace orka::streaming
