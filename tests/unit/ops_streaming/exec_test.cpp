#include <doctest/doctest.h>

#include <string>

#include "exec.hpp"
#include "exec_command.hpp"
#include "command_run.hpp"
#include "fakes.hpp"
#include "orka/channels.hpp"

using namespace orka;
using namespace orka::streaming;
using orka::testing::FakeClient;
using orka::testing::ScriptedWebSocket;

namespace {

std::string channel(std::uint8_t c, std::string data) { return std::string(1, static_cast<char>(c)) + data; }

constexpr const char* kExit42 = R"({"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 42], exit code 42","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"42"}]}})";

// These tests are about the WebSocket framing: no transport choice involved.
ExecOptions websocket_options() {
  ExecOptions options;
  options.transport = StreamTransport::WebSocket;
  return options;
}

struct Session {
  std::shared_ptr<FakeClient> client = std::make_shared<FakeClient>();
  ScriptedWebSocket* socket = nullptr;
  ExecOps ops{[c = client] { return Result<std::shared_ptr<Client>>(c); }};

  explicit Session(std::string protocol) {
    auto ws = std::make_unique<ScriptedWebSocket>(std::move(protocol));
    socket = ws.get();
    client->websockets.push_back(std::move(ws));
  }
};

}  // namespace

TEST_CASE("exec path: command args repeated, stderr only without a TTY") {
  ExecOptions plain;
  plain.stdin = true;
  CHECK(exec_path("ns", "web-1", "app", {"sh", "-c", "echo a b"}, plain) ==
        "/api/v1/namespaces/ns/pods/web-1/exec?container=app&command=sh&command=-c&command=echo%20a%20b"
        "&stdin=true&stdout=true&stderr=true");
  ExecOptions tty;
  tty.tty = true;
  CHECK(exec_path("ns", "web-1", "", {"top"}, tty) ==
        "/api/v1/namespaces/ns/pods/web-1/exec?command=top&stdout=true&tty=true");
}

TEST_CASE("output chunks by channel and the remote exit code") {
  Session s("v4.channel.k8s.io");
  s.socket->script(WsOpcode::Binary, channel(1, "out"));
  s.socket->script(WsOpcode::Binary, channel(2, "err"));
  s.socket->script(WsOpcode::Binary, channel(3, kExit42));
  s.socket->script(WsOpcode::Close, std::string("\x03\xe8", 2));
  auto session = s.ops.exec(PodRef{"ns", "web-1"}, "app", {"sh", "-c", "exit 42"}, websocket_options());
  std::string out, err;
  while (auto chunk = session.next())
    (chunk.value->channel == ExecChannel::Stdout ? out : err) += chunk.value->data;
  auto status = session.finish();
  REQUIRE(status);
  CHECK(status->exit_code == 42);
  CHECK(out == "out");
  CHECK(err == "err");
  CHECK(s.client->offered_protocols == std::vector<std::string>{"v5.channel.k8s.io", "v4.channel.k8s.io"});
  REQUIRE(s.client->websocket_paths.size() == 1);
  CHECK(s.client->websocket_paths[0].find("/pods/web-1/exec?container=app") != std::string::npos);
}

TEST_CASE("success status is exit code 0") {
  Session s("v4.channel.k8s.io");
  s.socket->script(WsOpcode::Binary, channel(3, R"({"metadata":{},"status":"Success"})"));
  s.socket->script(WsOpcode::Close, "");
  auto session = s.ops.exec(PodRef{"ns", "p"}, "", {"true"}, websocket_options());
  while (session.next()) {
  }
  auto status = session.finish();
  REQUIRE(status);
  CHECK(status->exit_code == 0);
}

TEST_CASE("a session that ends before the exit status is an error, never exit 0") {
  for (const char* protocol : {"v4.channel.k8s.io", "v5.channel.k8s.io"}) {
    CAPTURE(protocol);
    Session s(protocol);
    s.socket->script(WsOpcode::Binary, channel(1, "tick 1\n"));
    s.socket->script(WsOpcode::Close, std::string("\x03\xe8", 2));  // a clean close, no status
    auto session = s.ops.exec(PodRef{"ns", "p"}, "", {"sh"}, websocket_options());
    std::string out;
    while (auto chunk = session.next()) out += chunk.value->data;
    CHECK(out == "tick 1\n");
    auto status = session.finish();
    REQUIRE_FALSE(status);
    CHECK(status.error().kind == ErrorKind::Transport);
    CHECK(status.error().message.find("ended before the remote command's exit status arrived") !=
          std::string::npos);
  }
}

TEST_CASE("a command that cannot start is an error with the server's message") {
  Session s("v4.channel.k8s.io");
  s.socket->script(WsOpcode::Binary,
                   channel(3, R"({"metadata":{},"status":"Failure","message":"OCI runtime exec failed: exec: \"nope\": executable file not found in $PATH: unknown","reason":"InternalError"})"));
  s.socket->script(WsOpcode::Close, "");
  auto session = s.ops.exec(PodRef{"ns", "p"}, "", {"nope"}, websocket_options());
  while (session.next()) {
  }
  auto status = session.finish();
  REQUIRE_FALSE(status);
  CHECK(status.error().message.find("executable file not found") != std::string::npos);
}

TEST_CASE("a failed handshake is the stream's error at once") {
  auto client = std::make_shared<FakeClient>();  // no websocket scripted
  ExecOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto session = ops.exec(PodRef{"ns", "p"}, "", {"ls"}, websocket_options());
  CHECK_FALSE(session.next());
  CHECK_FALSE(session.finish());
}

TEST_CASE("stdin, resize and close on v5; initial size before anything else") {
  Session s("v5.channel.k8s.io");
  ExecOptions options = websocket_options();
  options.stdin = true;
  options.tty = true;
  options.initial_size = TerminalSize{120, 40};
  auto session = s.ops.exec(PodRef{"ns", "p"}, "", {"sh"}, options);
  REQUIRE(session.write(std::string("a\0b", 3)));
  REQUIRE(session.resize(100, 30));
  REQUIRE(session.close_write());
  s.socket->end_when([](const std::vector<std::string>& sent) { return sent.size() >= 4; },
                     {WsMessage{WsOpcode::Binary, channel(3, R"({"metadata":{},"status":"Success"})")}});
  while (session.next()) {
  }
  CHECK(session.finish());
  auto sent = s.socket->sent_copy();
  REQUIRE(sent.size() == 4);
  CHECK(sent[0] == encode_resize_message(TerminalSize{120, 40}));
  CHECK(sent[1] == std::string("\0a\0b", 4));
  CHECK(sent[2] == std::string("\x04{\"Width\":100,\"Height\":30}"));
  CHECK(sent[3] == std::string("\xff\x00", 2));
}

TEST_CASE("closing stdin on v4 says the remote cannot see EOF") {
  Session s("v4.channel.k8s.io");
  ExecOptions options = websocket_options();
  options.stdin = true;
  auto session = s.ops.exec(PodRef{"ns", "p"}, "", {"cat"}, options);
  auto closed = session.close_write();
  REQUIRE_FALSE(closed);
  CHECK(closed.error().kind == ErrorKind::Unsupported);
  CHECK(closed.error().message.find("v4.channel.k8s.io") != std::string::npos);
  session.cancel();
  while (session.next()) {
  }
  auto outcome = session.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Cancelled);
}

namespace {

// Records the request; the session ends at once with exit code 0.
class RecordingExec final : public ExecOpV2 {
 public:
  DuplexStream<ExecChunk, ExecStatus> run(const ExecRequestV2& request) override {
    seen = request.exec;
    keepalive = request.keepalive;
    return DuplexStream<ExecChunk, ExecStatus>(
        Stream<ExecChunk, ExecStatus>::spawn(1, Overflow::Block, CancelToken(),
                                             [](StreamWriter<ExecChunk>&) { return Result<ExecStatus>(ExecStatus{}); }),
        nullptr);
  }
  std::optional<ExecRequest> seen;
  std::chrono::milliseconds keepalive{-1};
};

orka::testing::CommandRun run_exec(std::vector<std::string> args, RecordingExec& op) {
  return orka::testing::run_command<ExecOpV2>(exec_command(), op, std::move(args));
}

}  // namespace

TEST_CASE("exec flags become the op's request; -- ends the flags") {
  RecordingExec op;
  auto r = run_exec({"deploy/web", "-c", "app", "-i", "--", "sh", "-c", "echo --"}, op);
  REQUIRE_MESSAGE(r.result, r.result.error().message);
  REQUIRE(op.seen);
  CHECK(op.seen->target == "deploy/web");
  CHECK(op.seen->container == "app");
  CHECK(op.seen->options.stdin);
  CHECK(op.seen->command == std::vector<std::string>{"sh", "-c", "echo --"});
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {"web-1"}, {"web-1", "--"}, {"--", "ls"}, {"web-1", "ls", "--", "ls"}, {"web-1", "--bogus", "--", "ls"}}) {
    RecordingExec never;
    auto refused = run_exec(bad, never);
    REQUIRE_FALSE(refused.result);
    CHECK(refused.result.error().kind == ErrorKind::Usage);
    CHECK_FALSE(never.seen);
  }
}

TEST_CASE("exec's target and defaulted container come from the op, before it connects") {
  auto client = std::make_shared<FakeClient>();
  client->json_bodies["/apis/apps/v1/namespaces/ns/deployments/web"] =
      R"({"spec":{"selector":{"matchLabels":{"app":"web"}}}})";
  client->json_bodies["/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb"] = R"({"items":[
    {"metadata":{"name":"web-2","uid":"u2","creationTimestamp":"2024-05-01T10:00:02Z",
                 "annotations":{"kubectl.kubernetes.io/default-container":"side"}},
     "spec":{"containers":[{"name":"app"},{"name":"side"}]},
     "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}]})";
  ExecOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  ExecRequest request;
  request.namespace_ = "ns";
  request.target = "deploy/web";
  request.command = {"ls"};
  request.options.transport = StreamTransport::WebSocket;
  std::optional<ExecTarget> chosen;
  request.options.on_target = [&](const ExecTarget& target) { chosen = target; };
  auto session = ops.run(request);  // no scripted WebSocket: connecting fails after the choice
  CHECK_FALSE(session.finish());
  REQUIRE(chosen);
  CHECK(chosen->pod == "web-2");
  CHECK(chosen->container == "side");
  CHECK(chosen->container_defaulted);
  CHECK(chosen->containers == std::vector<std::string>{"app", "side"});
  REQUIRE(client->websocket_paths.size() == 1);
  CHECK(client->websocket_paths[0].starts_with("/api/v1/namespaces/ns/pods/web-2/exec?container=side&"));
}

TEST_CASE("a pod and a container named: no lookup before the exec request") {
  auto client = std::make_shared<FakeClient>();
  ExecOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  ExecRequest request{"ns", "web-1", "app", {"ls"}, {}};
  request.options.transport = StreamTransport::WebSocket;
  auto session = ops.run(request);
  CHECK_FALSE(session.finish());
  CHECK(client->requests.empty());
  CHECK(client->websocket_paths.size() == 1);
}

TEST_CASE("exec refuses a service and an empty command as field errors") {
  auto client = std::make_shared<FakeClient>();
  ExecOps ops([client] { return Result<std::shared_ptr<Client>>(client); });
  auto service = ops.run(ExecRequest{"ns", "svc/web", "", {"ls"}, {}}).finish();
  REQUIRE_FALSE(service);
  auto empty = ops.run(ExecRequest{"ns", "web-1", "", {}, {}}).finish();
  REQUIRE_FALSE(empty);
  CHECK(empty.error().kind == ErrorKind::Invalid);
  REQUIRE(empty.error().causes.size() == 1);
  CHECK(empty.error().causes[0].field == "command");
  CHECK(client->requests.empty());
}

TEST_CASE("--keepalive: a duration into the request (default 5 s, 0 for none); bad values refused") {
  RecordingExec defaults;
  REQUIRE(run_exec({"web-1", "--", "true"}, defaults).result);
  CHECK(defaults.keepalive == kDefaultKeepalive);
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::chrono::milliseconds>>{
           {"1s", std::chrono::seconds(1)}, {"250ms", std::chrono::milliseconds(250)},
           {"2", std::chrono::seconds(2)}, {"0", std::chrono::milliseconds(0)}}) {
    RecordingExec op;
    auto r = run_exec({"web-1", "--keepalive", text, "--", "true"}, op);
    REQUIRE_MESSAGE(r.result, r.result.error().message);
    CHECK(op.keepalive == expected);
  }
  for (const std::string bad : {"soon", "-1s", ""}) {
    RecordingExec never;
    auto refused = run_exec({"web-1", "--keepalive", bad, "--", "true"}, never);
    REQUIRE_FALSE(refused.result);
    CHECK(refused.result.error().kind == ErrorKind::Usage);
    CHECK(refused.result.error().message.find("--keepalive") != std::string::npos);
    CHECK_FALSE(never.seen);
  }
}

TEST_CASE("the exec op sets the request's keepalive on its connection; version 1 the default") {
  ExecRequest request;
  request.namespace_ = "ns";
  request.target = "web-1";
  request.container = "app";  // pod and container named: nothing to look up
  request.command = {"true"};
  request.options = websocket_options();
  auto run_with = [&](auto&& start) {
    Session s("v4.channel.k8s.io");
    auto seen = s.socket->keepalive_ms;
    s.socket->script(WsOpcode::Binary, channel(3, R"({"metadata":{},"status":"Success"})"));
    s.socket->script(WsOpcode::Close, "");
    auto session = start(s.ops);
    while (session.next()) {
    }
    auto status = session.finish();
    REQUIRE_MESSAGE(status, status.error().message);
    return seen->load();
  };
  CHECK(run_with([&](ExecOps& ops) { return ops.run(request, std::chrono::milliseconds(1500)); }) == 1500);
  CHECK(run_with([&](ExecOps& ops) { return ops.run(request, std::chrono::milliseconds(0)); }) == 0);
  CHECK(run_with([&](ExecOps& ops) { return ops.run(request); }) == kDefaultKeepalive.count());
  CHECK(run_with([&](ExecOps& ops) {
          auto shared = std::shared_ptr<ExecOps>(&ops, [](ExecOps*) {});
          return ExecOpsV2(shared).run(ExecRequestV2{request, std::chrono::milliseconds(700)});
        }) == 700);
  // A negative interval is the request's own error, named by its field.
  Session unused("v4.channel.k8s.io");
  auto shared = std::shared_ptr<ExecOps>(&unused.ops, [](ExecOps*) {});
  auto refused = ExecOpsV2(shared).run(ExecRequestV2{request, std::chrono::milliseconds(-1)});
  auto outcome = refused.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Invalid);
  CHECK(outcome.error().message.find("keepalive") != std::string::npos);
}
