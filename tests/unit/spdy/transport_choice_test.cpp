// orka/transport_choice.hpp: server versions, the per-op transport plans, refusals.
#include <doctest/doctest.h>

#include "orka/transport_choice.hpp"

using namespace orka;

namespace {

std::vector<WireTransport> wires(const TransportPlan& plan) {
  std::vector<WireTransport> out;
  for (const auto& attempt : plan.attempts) out.push_back(attempt.wire);
  return out;
}

ServerVersion version(int minor) {
  return ServerVersion{1, minor, "v1." + std::to_string(minor) + ".0"};
}

}  // namespace

TEST_CASE("server versions: plain, managed-cluster suffixes, gitVersion only, garbage") {
  auto plain = parse_server_version(R"({"major":"1","minor":"20","gitVersion":"v1.20.2"})");
  REQUIRE(plain.has_value());
  CHECK(plain->major == 1);
  CHECK(plain->minor == 20);
  CHECK(plain->git_version == "v1.20.2");
  auto managed = parse_server_version(R"({"major":"1","minor":"31+","gitVersion":"v1.31.1-gke.1"})");
  REQUIRE(managed.has_value());
  CHECK(managed->minor == 31);
  auto git_only = parse_server_version(R"({"major":"","minor":"","gitVersion":"v1.29.4+k3s1"})");
  REQUIRE(git_only.has_value());
  CHECK(git_only->minor == 29);
  CHECK_FALSE(parse_server_version("not json").has_value());
  CHECK_FALSE(parse_server_version(R"({"major":"one"})").has_value());
  CHECK(version(30).at_least(1, 30));
  CHECK_FALSE(version(29).at_least(1, 30));
  CHECK(ServerVersion{2, 0, ""}.at_least(1, 31));
}

TEST_CASE("--transport values") {
  CHECK(parse_stream_transport("auto").value() == StreamTransport::Auto);
  CHECK(parse_stream_transport("websocket").value() == StreamTransport::WebSocket);
  CHECK(parse_stream_transport("spdy").value() == StreamTransport::Spdy);
  auto bad = parse_stream_transport("http2");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().kind == ErrorKind::Usage);
  CHECK(bad.error().message.find("http2") != std::string::npos);
  CHECK(bad.error().hint.find("auto, websocket or spdy") != std::string::npos);
  CHECK(to_string(StreamTransport::Spdy) == "spdy");
  CHECK(to_string(WireTransport::SpdyOverWebSocket) == "SPDY/3.1 over WebSocket");
}

TEST_CASE("exec, explicit transports: exactly the one asked for") {
  auto ws = plan_exec_transport(StreamTransport::WebSocket, version(20), true);
  CHECK(wires(ws) == std::vector{WireTransport::WebSocket});
  CHECK(ws.attempts[0].protocols == std::vector<std::string>{"v5.channel.k8s.io", "v4.channel.k8s.io"});
  auto spdy = plan_exec_transport(StreamTransport::Spdy, version(33), false);
  CHECK(wires(spdy) == std::vector{WireTransport::Spdy});
  CHECK(spdy.attempts[0].protocols == std::vector<std::string>{"v4.channel.k8s.io"});
}

TEST_CASE("exec, auto: v5 WebSocket on new servers, only v5 when stdin needs its end") {
  auto with_stdin = plan_exec_transport(StreamTransport::Auto, version(30), true);
  CHECK(wires(with_stdin) == std::vector{WireTransport::WebSocket, WireTransport::Spdy});
  CHECK(with_stdin.attempts[0].protocols == std::vector<std::string>{"v5.channel.k8s.io"});
  auto output_only = plan_exec_transport(StreamTransport::Auto, version(31), false);
  CHECK(wires(output_only) == std::vector{WireTransport::WebSocket, WireTransport::Spdy});
  CHECK(output_only.attempts[0].protocols.size() == 2);
  auto unknown = plan_exec_transport(StreamTransport::Auto, std::nullopt, true);
  CHECK(wires(unknown) == std::vector{WireTransport::WebSocket, WireTransport::Spdy});
  CHECK(unknown.reason.find("unknown") != std::string::npos);
}

TEST_CASE("exec, auto, servers before 1.30: SPDY when stdin is attached, else WebSocket") {
  auto with_stdin = plan_exec_transport(StreamTransport::Auto, version(20), true);
  CHECK(wires(with_stdin) == std::vector{WireTransport::Spdy, WireTransport::WebSocket});
  CHECK(with_stdin.reason.find("v1.20.0") != std::string::npos);
  CHECK(with_stdin.reason.find("stdin") != std::string::npos);
  auto output_only = plan_exec_transport(StreamTransport::Auto, version(29), false);
  CHECK(wires(output_only) == std::vector{WireTransport::WebSocket, WireTransport::Spdy});
  CHECK(output_only.attempts.front().protocols.size() == 2);
}

TEST_CASE("port-forward plans") {
  CHECK(wires(plan_forward_transport(StreamTransport::Auto, version(31))) ==
        std::vector{WireTransport::SpdyOverWebSocket, WireTransport::Spdy, WireTransport::WebSocket});
  CHECK(wires(plan_forward_transport(StreamTransport::Auto, version(20))) ==
        std::vector{WireTransport::Spdy, WireTransport::WebSocket});
  CHECK(wires(plan_forward_transport(StreamTransport::Auto, std::nullopt)).front() ==
        WireTransport::SpdyOverWebSocket);
  CHECK(wires(plan_forward_transport(StreamTransport::Spdy, version(20))) ==
        std::vector{WireTransport::Spdy});
  CHECK(wires(plan_forward_transport(StreamTransport::Spdy, version(32))) ==
        std::vector{WireTransport::SpdyOverWebSocket, WireTransport::Spdy});
  CHECK(wires(plan_forward_transport(StreamTransport::Spdy, std::nullopt)) ==
        std::vector{WireTransport::Spdy, WireTransport::SpdyOverWebSocket});
  auto ws = plan_forward_transport(StreamTransport::WebSocket, version(32));
  CHECK(wires(ws) == std::vector{WireTransport::WebSocket});
  CHECK(plan_forward_transport(StreamTransport::Auto, version(20)).attempts[0].protocols ==
        std::vector<std::string>{"portforward.k8s.io"});
}

TEST_CASE("protocol refusals: bare 400/403 and marked handshakes yes; API Status errors no") {
  Error bare = error_from_http(403, "");
  CHECK(is_protocol_refusal(bare));
  Error upgrade_required = error_from_http(400, "Upgrade request required");
  CHECK(is_protocol_refusal(upgrade_required));
  Error rbac = error_from_http(
      403, R"({"kind":"Status","status":"Failure","message":"forbidden","reason":"Forbidden","code":403})");
  CHECK_FALSE(is_protocol_refusal(rbac));
  Error missing = error_from_http(
      404, R"({"kind":"Status","status":"Failure","message":"pods \"x\" not found","reason":"NotFound","code":404})");
  CHECK_FALSE(is_protocol_refusal(missing));
  Error marked = make_error(ErrorKind::Transport, "WebSocket handshake failed: ...");
  marked.reason = "ProtocolRefused";
  CHECK(is_protocol_refusal(marked));
  CHECK_FALSE(is_protocol_refusal(make_error(ErrorKind::Cancelled, "cancelled")));
  CHECK_FALSE(is_protocol_refusal(error_from_http(401, "")));
}

TEST_CASE("a plan for -v: its attempts in order, then why") {
  auto plan = plan_forward_transport(StreamTransport::Spdy, version(20));
  CHECK(describe(plan) == "SPDY/3.1 (--transport spdy)");
  plan.reason.clear();
  plan.attempts.push_back(TransportAttempt{WireTransport::WebSocket, {}});
  CHECK(describe(plan) == "SPDY/3.1, then WebSocket");
}
