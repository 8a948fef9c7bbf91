// The exec/port-forward transport rules: what each wire form can do on which server version.
#include "orka/transport_choice.hpp"

#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "orka/channels.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {
namespace {

constexpr std::string_view kPortForwardProtocol = "portforward.k8s.io";

// The server versions that first offer each form by default (KEP-3396 / KEP-4006).
constexpr int kExecV5Minor = 30;           // v5.channel.k8s.io (stdin close) on 1.30
constexpr int kForwardTunnelMinor = 31;    // SPDY/3.1+portforward.k8s.io on 1.31

// "20", "20+", "31-gke.100" → the leading number; nullopt when there is none.
std::optional<int> leading_number(const std::string& text) {
  int value = 0;
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) &&
         digits < 6) {
    value = value * 10 + (text[digits] - '0');
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  return value;
}

std::string describe(const std::optional<ServerVersion>& server) {
  if (!server) return "server version unknown";
  return fmt::format("server {}", server->git_version.empty()
                                      ? fmt::format("{}.{}", server->major, server->minor)
                                      : server->git_version);
}

TransportAttempt websocket_exec(bool v5_only) {
  TransportAttempt attempt{WireTransport::WebSocket, {}};
  if (v5_only)
    attempt.protocols = {std::string(kChannelProtocolV5)};
  else
    attempt.protocols = exec_protocols();
  return attempt;
}

TransportAttempt spdy_exec() {
  return {WireTransport::Spdy, {std::string(kChannelProtocolV4)}};
}

}  // namespace

Result<ServerVersion> parse_server_version(std::string_view json_body) {
  auto json = nlohmann::json::parse(json_body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    return fail(ErrorKind::Transport, "GET /version: the answer is not a JSON object");
  ServerVersion version;
  const auto text = [&](const char* key) -> std::string {
    auto found = json.find(key);
    return found != json.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  version.git_version = text("gitVersion");
  auto major = leading_number(text("major"));
  auto minor = leading_number(text("minor"));
  if ((!major || !minor) && !version.git_version.empty()) {
    // Some distributions leave major/minor empty; "v1.20.2-k3s1" still says it.
    std::string rest = version.git_version;
    if (!rest.empty() && rest.front() == 'v') rest.erase(0, 1);
    major = leading_number(rest);
    const auto dot = rest.find('.');
    if (dot != std::string::npos) minor = leading_number(rest.substr(dot + 1));
  }
  if (!major || !minor)
    return fail(ErrorKind::Transport, "GET /version: no major/minor version in the answer");
  version.major = *major;
  version.minor = *minor;
  return version;
}

Result<ServerVersion> fetch_server_version(Client& client, const CancelToken& cancel) {
  Request request;
  request.path = ApiPath().segment("version").str();
  request.timeout = std::chrono::milliseconds(10000);
  auto response = client.send(request, cancel);
  if (!response) return fail(response.error());
  return parse_server_version(response->body);
}

std::string_view to_string(WireTransport wire) {
  switch (wire) {
    case WireTransport::WebSocket: return "WebSocket";
    case WireTransport::Spdy: return "SPDY/3.1";
    case WireTransport::SpdyOverWebSocket: return "SPDY/3.1 over WebSocket";
  }
  return "?";
}

std::string_view to_string(StreamTransport transport) {
  switch (transport) {
    case StreamTransport::Auto: return "auto";
    case StreamTransport::WebSocket: return "websocket";
    case StreamTransport::Spdy: return "spdy";
  }
  return "?";
}

Result<StreamTransport> parse_stream_transport(std::string_view text) {
  if (text == "auto") return StreamTransport::Auto;
  if (text == "websocket" || text == "ws") return StreamTransport::WebSocket;
  if (text == "spdy") return StreamTransport::Spdy;
  return fail(ErrorKind::Usage, fmt::format("unknown transport \"{:.40}\"", text),
              "use --transport auto, websocket or spdy");
}

std::string describe(const TransportPlan& plan) {
  std::string attempts;
  for (const TransportAttempt& attempt : plan.attempts) {
    if (!attempts.empty()) attempts += ", then ";
    attempts += to_string(attempt.wire);
  }
  return plan.reason.empty() ? attempts : fmt::format("{} ({})", attempts, plan.reason);
}

TransportPlan plan_exec_transport(StreamTransport requested,
                                  const std::optional<ServerVersion>& server, bool stdin) {
  TransportPlan plan;
  if (requested == StreamTransport::WebSocket) {
    plan.attempts = {websocket_exec(false)};
    plan.reason = "--transport websocket";
    return plan;
  }
  if (requested == StreamTransport::Spdy) {
    plan.attempts = {spdy_exec()};
    plan.reason = "--transport spdy";
    return plan;
  }
  const bool v5_expected = !server || server->at_least(1, kExecV5Minor);
  if (v5_expected) {
    // v5 can close stdin and needs no second protocol; a server that refuses it (older, or
    // the feature turned off) did not start the command, so SPDY is tried next.
    plan.attempts = {websocket_exec(stdin), spdy_exec()};
    plan.reason = fmt::format("{}: WebSocket v5.channel.k8s.io expected (Kubernetes 1.{}+)",
                              describe(server), kExecV5Minor);
    return plan;
  }
  if (stdin) {
    plan.attempts = {spdy_exec(), websocket_exec(false)};
    plan.reason = fmt::format(
        "{} predates v5.channel.k8s.io and stdin is attached: SPDY can signal its end, "
        "v4 WebSockets cannot",
        describe(server));
    return plan;
  }
  // Output only: both forms can do it; v4 WebSocket measured faster and lighter on CPU
  // (docs/benchmarks.md).
  plan.attempts = {websocket_exec(false), spdy_exec()};
  plan.reason = fmt::format(
      "{} predates v5.channel.k8s.io; no stdin, so v4 WebSocket (measured faster for output)",
      describe(server));
  return plan;
}

TransportPlan plan_forward_transport(StreamTransport requested,
                                     const std::optional<ServerVersion>& server) {
  TransportPlan plan;
  const TransportAttempt tunnel{WireTransport::SpdyOverWebSocket,
                                {std::string(kPortForwardProtocol)}};
  const TransportAttempt spdy{WireTransport::Spdy, {std::string(kPortForwardProtocol)}};
  const TransportAttempt websocket{WireTransport::WebSocket, portforward_protocols()};
  const bool tunnel_expected = !server || server->at_least(1, kForwardTunnelMinor);
  if (requested == StreamTransport::WebSocket) {
    plan.attempts = {websocket};
    plan.reason = "--transport websocket";
    return plan;
  }
  if (requested == StreamTransport::Spdy) {
    // Both framings are SPDY; the tunnel is only first where the server is known to offer it.
    if (!server)
      plan.attempts = {spdy, tunnel};
    else if (tunnel_expected)
      plan.attempts = {tunnel, spdy};
    else
      plan.attempts = {spdy};
    plan.reason = "--transport spdy";
    return plan;
  }
  if (tunnel_expected) {
    plan.attempts = {tunnel, spdy, websocket};
    plan.reason = fmt::format("{}: SPDY tunnelled in WebSocket expected (Kubernetes 1.{}+)",
                              describe(server), kForwardTunnelMinor);
  } else {
    plan.attempts = {spdy, websocket};
    plan.reason = fmt::format(
        "{}: SPDY (one connection for every forwarded connection, measured fastest)",
        describe(server));
  }
  return plan;
}

bool is_protocol_refusal(const Error& error) {
  if (error.reason == "ProtocolRefused") return true;
  if (!error.reason.empty()) return false;  // an API Status: the request itself was refused
  switch (error.http_status) {
    case 400:  // "Upgrade request required", unknown protocol
    case 403:  // the kubelet's answer to an offered subprotocol it does not speak
    case 405:
    case 426:
    case 501:
      return true;
    default:
      return false;
  }
}

bool may_try_next_transport(const Error& error) {
  return is_protocol_refusal(error) || error.kind == ErrorKind::Unsupported;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
