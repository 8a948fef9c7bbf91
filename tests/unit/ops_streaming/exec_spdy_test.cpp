// exec over SPDY/3.1 and the exec transport choice, against a scripted MuxConnection.
#include <doctest/doctest.h>
#include <doctest/trompeloeil.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exec.hpp"
#include "command_run.hpp"
#include "exec_command.hpp"
#include "fakes.hpp"
#include "mock_client.hpp"
#include "orka/channels.hpp"
#include "orka/transport_choice.hpp"

using namespace orka;
using namespace orka::streaming;
using orka::testing::json_response;
using orka::testing::MockClient;
using orka::testing::ScriptedWebSocket;
using trompeloeil::_;

// trompeloeil asks every returned value whether it equals null; libstdc++ 12's std::expected
// answers with an unconstrained operator== that needs this comparison on the value type.
namespace orka::ORKA_ABI_NAMESPACE {
[[maybe_unused]] static bool operator==(const Response&, const trompeloeil::indirect_null&) { return false; }
[[maybe_unused]] static bool operator==(const Response&, std::nullptr_t) { return false; }
}  // namespace orka::ORKA_ABI_NAMESPACE

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kSuccess = R"({"metadata":{},"status":"Success"})";
constexpr const char* kExit42 = R"({"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 42], exit code 42","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"42"}]}})";

// What every stream of one fake connection shares: its lock and whether the connection ended.
struct ConnectionState {
  std::mutex mutex;
  std::condition_variable changed;
  bool closed = false;
};

// One stream: the test scripts what the server sends and reads back what the client wrote.
class FakeMuxStream final : public MuxStream {
 public:
  explicit FakeMuxStream(std::shared_ptr<ConnectionState> state) : state_(std::move(state)) {}

  // ---- the server's side
  void send(std::string bytes) {
    std::lock_guard lock(state_->mutex);
    incoming_.push_back(std::move(bytes));
    state_->changed.notify_all();
  }
  void send_fin() {
    std::lock_guard lock(state_->mutex);
    remote_fin_ = true;
    state_->changed.notify_all();
  }
  std::vector<std::string> writes() {
    std::lock_guard lock(state_->mutex);
    return writes_;
  }
  bool write_closed() {
    std::lock_guard lock(state_->mutex);
    return write_closed_;
  }
  bool was_reset() {
    std::lock_guard lock(state_->mutex);
    return reset_;
  }
  // Blocks until the client half-closed its side (or the connection ended).
  bool wait_for_write_close() {
    std::unique_lock lock(state_->mutex);
    state_->changed.wait(lock, [&] { return write_closed_ || state_->closed; });
    return write_closed_;
  }

  // ---- MuxStream
  Result<std::size_t> read(char* buffer, std::size_t size) override {
    std::unique_lock lock(state_->mutex);
    state_->changed.wait(lock, [&] { return !incoming_.empty() || remote_fin_ || reset_ || state_->closed; });
    if (!incoming_.empty()) {  // like the real session: queued data outlives the connection
      std::string& front = incoming_.front();
      const std::size_t n = std::min(size, front.size());
      std::copy_n(front.data(), n, buffer);
      front.erase(0, n);
      if (front.empty()) incoming_.pop_front();
      return n;
    }
    if (remote_fin_) return 0;
    if (reset_) return fail(ErrorKind::Transport, "the stream was reset");
    return fail(ErrorKind::Transport, "the SPDY connection ended");
  }
  Result<void> write(std::string_view bytes) override {
    std::lock_guard lock(state_->mutex);
    if (state_->closed || reset_ || write_closed_) return fail(ErrorKind::Transport, "stream not writable");
    writes_.emplace_back(bytes);
    state_->changed.notify_all();
    return {};
  }
  Result<void> close_write() override {
    std::lock_guard lock(state_->mutex);
    if (state_->closed) return fail(ErrorKind::Transport, "the SPDY connection ended");
    write_closed_ = true;
    state_->changed.notify_all();
    return {};
  }
  void reset() noexcept override {
    std::lock_guard lock(state_->mutex);
    reset_ = true;
    state_->changed.notify_all();
  }

  Headers headers;

 private:
  std::shared_ptr<ConnectionState> state_;
  std::deque<std::string> incoming_;
  std::vector<std::string> writes_;
  bool remote_fin_ = false;
  bool write_closed_ = false;
  bool reset_ = false;
};

// The test's handle on a fake connection; outlives the connection the op destroys.
struct FakeWire {
  std::shared_ptr<ConnectionState> state = std::make_shared<ConnectionState>();
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<FakeMuxStream>> streams;  // by streamtype
  std::vector<Headers> opened;                                    // in the order opened
  std::string refused_type;  // opening a stream of this type fails

  std::shared_ptr<FakeMuxStream> stream(const std::string& type) {
    std::lock_guard lock(mutex);
    auto& slot = streams[type];
    if (!slot) slot = std::make_shared<FakeMuxStream>(state);
    return slot;
  }
  std::vector<std::string> opened_types() {
    std::lock_guard lock(mutex);
    std::vector<std::string> types;
    for (const auto& headers : opened)
      for (const auto& [name, value] : headers)
        if (name == "streamtype") types.push_back(value);
    return types;
  }
  bool closed() {
    std::lock_guard lock(state->mutex);
    return state->closed;
  }
  // The server's side ends the connection (what the kubelet does once the command ended).
  void end_connection() {
    std::lock_guard lock(state->mutex);
    state->closed = true;
    state->changed.notify_all();
  }
};

class FakeMuxConnection final : public MuxConnection {
 public:
  FakeMuxConnection(std::shared_ptr<FakeWire> wire, std::string protocol, MuxFraming framing)
      : wire_(std::move(wire)), protocol_(std::move(protocol)), framing_(framing) {}
  ~FakeMuxConnection() override { close(); }

  const std::string& protocol() const override { return protocol_; }
  MuxFraming framing() const override { return framing_; }
  Result<std::shared_ptr<MuxStream>> open_stream(const Headers& headers) override {
    if (closed()) return fail(ErrorKind::Transport, "the SPDY connection ended");
    std::string type;
    for (const auto& [name, value] : headers)
      if (name == "streamtype") type = value;
    {
      std::lock_guard lock(wire_->mutex);
      if (type == wire_->refused_type) return fail(ErrorKind::Transport, "stream refused");
      wire_->opened.push_back(headers);
    }
    auto stream = wire_->stream(type);
    stream->headers = headers;
    return std::shared_ptr<MuxStream>(stream);
  }
  bool closed() const override {
    std::lock_guard lock(wire_->state->mutex);
    return wire_->state->closed;
  }
  void close() noexcept override {
    std::lock_guard lock(wire_->state->mutex);
    wire_->state->closed = true;
    wire_->state->changed.notify_all();
  }

 private:
  std::shared_ptr<FakeWire> wire_;
  std::string protocol_;
  MuxFraming framing_;
};

Result<std::unique_ptr<MuxConnection>> connection_on(const std::shared_ptr<FakeWire>& wire,
                                                     MuxFraming framing = MuxFraming::HttpUpgrade,
                                                     std::string protocol = "v4.channel.k8s.io") {
  return std::unique_ptr<MuxConnection>(std::make_unique<FakeMuxConnection>(wire, std::move(protocol), framing));
}

std::string version_json(int minor) {
  return R"({"major":"1","minor":")" + std::to_string(minor) + R"(","gitVersion":"v1.)" +
         std::to_string(minor) + R"(.2"})";
}

struct Output {
  std::string out;
  std::string err;
};

Output drain(DuplexStream<ExecChunk, ExecStatus>& session) {
  Output o;
  while (auto chunk = session.next()) (chunk.value->channel == ExecChannel::Stdout ? o.out : o.err) += chunk.value->data;
  return o;
}

// An op over a MockClient, with the diagnostics lines collected.
struct ExecFixture {
  std::shared_ptr<MockClient> client = std::make_shared<MockClient>();
  std::shared_ptr<std::vector<std::string>> log = std::make_shared<std::vector<std::string>>();
  ExecOps ops{[c = client] { return Result<std::shared_ptr<Client>>(c); },
              [l = log](int level, std::string_view line) {
                if (level == 1) l->emplace_back(line);
              }};

  bool logged(std::string_view part) const {
    for (const auto& line : *log)
      if (line.find(part) != std::string::npos) return true;
    return false;
  }

  // `sh` with stdin attached and the transport left to auto: the exit code it ended with.
  int auto_exec_with_stdin() {
    ExecOptions options;
    options.stdin = true;
    auto session = ops.exec(PodRef{"ns", "p"}, "", {"sh"}, options);
    drain(session);
    auto status = session.finish();
    REQUIRE(status);
    return status->exit_code;
  }
};

ExecOptions spdy_options(bool stdin, bool tty = false) {
  ExecOptions options;
  options.stdin = stdin;
  options.tty = tty;
  options.transport = StreamTransport::Spdy;
  return options;
}

}  // namespace

TEST_CASE("SPDY exec: streams in kubectl's order with lower-case streamtype headers") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  UpgradeRequest seen;
  FORBID_CALL(*op.client, send(_, _));
  FORBID_CALL(*op.client, open_websocket(_, _));
  REQUIRE_CALL(*op.client, open_multiplexed(_, MuxFraming::HttpUpgrade, _))
      .LR_SIDE_EFFECT(seen = _1)
      .LR_RETURN(connection_on(wire));
  wire->stream("stdout")->send_fin();
  wire->stream("stderr")->send_fin();
  wire->stream("error")->send(kSuccess);
  wire->stream("error")->send_fin();

  auto session = op.ops.exec(PodRef{"ns", "web-1"}, "app", {"cat"}, spdy_options(/*stdin=*/true));
  drain(session);
  REQUIRE(session.finish());
  CHECK(wire->opened_types() == std::vector<std::string>{"error", "stdin", "stdout", "stderr"});
  CHECK(wire->opened.front() == Headers{{"streamtype", "error"}});
  CHECK(seen.path == "/api/v1/namespaces/ns/pods/web-1/exec?container=app&command=cat&stdin=true&stdout=true&stderr=true");
  CHECK(std::find(seen.protocols.begin(), seen.protocols.end(), "v4.channel.k8s.io") != seen.protocols.end());
  REQUIRE(seen.permission);
  CHECK(seen.permission->subresource == "exec");
  CHECK(wire->closed());  // the end of the command closes the connection
  CHECK(op.logged("exec: using SPDY/3.1 (v4.channel.k8s.io)"));
}

TEST_CASE("SPDY exec with a TTY: no stderr stream, a resize stream, the initial size first") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, MuxFraming::HttpUpgrade, _)).LR_RETURN(connection_on(wire));
  ExecOptions options = spdy_options(/*stdin=*/true, /*tty=*/true);
  options.initial_size = TerminalSize{120, 40};

  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"sh"}, options);
  CHECK(wire->opened_types() == std::vector<std::string>{"error", "stdin", "stdout", "resize"});
  // Sent before exec() returned, so before any stdin the caller can write.
  CHECK(wire->stream("resize")->writes() == std::vector<std::string>{R"({"Width":120,"Height":40})"});
  REQUIRE(session.resize(100, 30));
  CHECK(wire->stream("resize")->writes() ==
        std::vector<std::string>{R"({"Width":120,"Height":40})", R"({"Width":100,"Height":30})"});
  CHECK(wire->stream("stdin")->writes().empty());

  wire->stream("stdout")->send("$ ");
  wire->stream("stdout")->send_fin();
  wire->stream("error")->send(kSuccess);
  wire->stream("error")->send_fin();
  CHECK(drain(session).out == "$ ");
  CHECK(session.finish());
}

TEST_CASE("SPDY exec: stdout and stderr are routed apart and the exit code comes from the Status") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _)).LR_RETURN(connection_on(wire));
  auto out = wire->stream("stdout");
  auto err = wire->stream("stderr");
  out->send("out-1 ");
  err->send("err-1 ");
  out->send("out-2");
  err->send("err-2");
  out->send_fin();
  err->send_fin();
  wire->stream("error")->send(kExit42);
  wire->stream("error")->send_fin();

  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"sh", "-c", "exit 42"}, spdy_options(false));
  Output o = drain(session);
  auto status = session.finish();
  REQUIRE(status);
  CHECK(status->exit_code == 42);
  CHECK(o.out == "out-1 out-2");
  CHECK(o.err == "err-1 err-2");
  CHECK(wire->opened_types() == std::vector<std::string>{"error", "stdout", "stderr"});
}

TEST_CASE("SPDY exec: the Success status is exit code 0") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _)).LR_RETURN(connection_on(wire));
  wire->stream("stdout")->send("done\n");
  wire->stream("stdout")->send_fin();
  wire->stream("stderr")->send_fin();
  wire->stream("error")->send(kSuccess);
  wire->stream("error")->send_fin();
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"true"}, spdy_options(false));
  CHECK(drain(session).out == "done\n");
  auto status = session.finish();
  REQUIRE(status);
  CHECK(status->exit_code == 0);
}

TEST_CASE("SPDY exec: an error stream that ends with no status is an error, never exit 0") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _)).LR_RETURN(connection_on(wire));
  wire->stream("stdout")->send("tick 1\n");
  wire->stream("stdout")->send_fin();
  wire->stream("stderr")->send_fin();
  wire->stream("error")->send_fin();  // FIN without a Status: the v4 kubelet always sends one
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"sh"}, spdy_options(false));
  CHECK(drain(session).out == "tick 1\n");
  auto status = session.finish();
  REQUIRE_FALSE(status);
  CHECK(status.error().kind == ErrorKind::Transport);
  CHECK(status.error().message.find("ended before the remote command's exit status arrived") !=
        std::string::npos);
}

TEST_CASE("SPDY exec: a command that cannot start is an error with the server's message") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _)).LR_RETURN(connection_on(wire));
  wire->stream("error")->send(
      R"({"metadata":{},"status":"Failure","message":"OCI runtime exec failed: exec: \"nope\": executable file not found in $PATH: unknown","reason":"InternalError"})");
  wire->stream("error")->send_fin();
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"nope"}, spdy_options(false));
  wire->end_connection();  // the kubelet closes it without FINs on the output streams
  drain(session);
  auto status = session.finish();
  REQUIRE_FALSE(status);
  CHECK(status.error().message.find("executable file not found") != std::string::npos);
}

TEST_CASE("SPDY exec: a Status followed by the connection ending is the outcome, not a broken session") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _)).LR_RETURN(connection_on(wire));
  wire->stream("stdout")->send("last words");
  wire->stream("error")->send(kExit42);  // no FIN anywhere: the connection just ends
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"sh"}, spdy_options(false));
  wire->end_connection();
  CHECK(drain(session).out == "last words");
  auto status = session.finish();
  REQUIRE(status);
  CHECK(status->exit_code == 42);
}

TEST_CASE("SPDY exec: the connection ending before any Status is an error") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _)).LR_RETURN(connection_on(wire));
  wire->stream("error")->send(R"({"metadata":{},"sta)");  // cut mid-Status
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"sh"}, spdy_options(false));
  wire->end_connection();
  drain(session);
  auto status = session.finish();
  REQUIRE_FALSE(status);
  CHECK(status.error().kind == ErrorKind::Transport);
  CHECK(status.error().message.find("broke before the command finished") != std::string::npos);
}

TEST_CASE("SPDY exec: close_write sends FIN on the stdin stream and the command can end") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _)).LR_RETURN(connection_on(wire));
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"sha256sum"}, spdy_options(/*stdin=*/true));
  auto stdin_stream = wire->stream("stdin");
  REQUIRE(session.write(std::string("a\0b", 3)));
  REQUIRE(session.write("cd"));
  CHECK_FALSE(stdin_stream->write_closed());
  REQUIRE(session.close_write());
  REQUIRE(session.close_write());  // idempotent
  CHECK(stdin_stream->write_closed());
  CHECK(stdin_stream->writes() == std::vector<std::string>{std::string("a\0b", 3), "cd"});
  auto late = session.write("x");
  REQUIRE_FALSE(late);
  CHECK(late.error().kind == ErrorKind::Invalid);

  // The "server": answers only once it saw the end of stdin.
  REQUIRE(stdin_stream->wait_for_write_close());
  wire->stream("stdout")->send("5 bytes\n");
  wire->stream("stdout")->send_fin();
  wire->stream("stderr")->send_fin();
  wire->stream("error")->send(kSuccess);
  wire->stream("error")->send_fin();
  CHECK(drain(session).out == "5 bytes\n");
  auto status = session.finish();
  REQUIRE(status);
  CHECK(status->exit_code == 0);
}

TEST_CASE("SPDY exec: no stdin stream without -i, and writing then is refused") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _)).LR_RETURN(connection_on(wire));
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"ls"}, spdy_options(false));
  CHECK(wire->opened_types() == std::vector<std::string>{"error", "stdout", "stderr"});
  auto written = session.write("x");
  REQUIRE_FALSE(written);
  CHECK(written.error().kind == ErrorKind::Invalid);
  auto resized = session.resize(80, 24);
  REQUIRE_FALSE(resized);
  CHECK(resized.error().kind == ErrorKind::Invalid);
  session.cancel();
  drain(session);
  auto outcome = session.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Cancelled);
  CHECK(wire->closed());
}

TEST_CASE("SPDY exec: cancelling closes the connection and ends every reader") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _)).LR_RETURN(connection_on(wire));
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"sleep", "1000"}, spdy_options(true));
  wire->stream("stdout")->send("partial");
  auto first = session.next();
  REQUIRE(first);
  CHECK(first.value->data == "partial");
  session.cancel();
  drain(session);
  auto outcome = session.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Cancelled);
  CHECK(wire->closed());
}

TEST_CASE("SPDY exec: a stream the server refuses fails the exec and resets the streams opened") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  wire->refused_type = "stdout";
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _)).LR_RETURN(connection_on(wire));
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"cat"}, spdy_options(true));
  CHECK_FALSE(session.next());
  auto outcome = session.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().message.find("stdout stream") != std::string::npos);
  CHECK(wire->stream("error")->was_reset());
  CHECK(wire->stream("stdin")->was_reset());
  CHECK(wire->closed());
}

TEST_CASE("SPDY exec: a server that chose another protocol is refused clearly") {
  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _))
      .LR_RETURN(connection_on(wire, MuxFraming::HttpUpgrade, "v2.channel.k8s.io"));
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"ls"}, spdy_options(false));
  auto outcome = session.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().message.find("v2.channel.k8s.io") != std::string::npos);
  CHECK(wire->opened.empty());
  CHECK(wire->closed());
}

TEST_CASE("auto: a refused WebSocket v5 upgrade falls back to SPDY") {
  const auto plan = plan_exec_transport(StreamTransport::Auto, ServerVersion{1, 31, "v1.31.2"}, true);
  // What this test relies on: a new server is tried over WebSocket first, SPDY next.
  REQUIRE(plan.attempts.size() >= 2);
  REQUIRE(plan.attempts[0].wire == WireTransport::WebSocket);
  REQUIRE(plan.attempts[1].wire == WireTransport::Spdy);

  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, send(_, _)).WITH(_1.path == "/version").RETURN(json_response(200, version_json(31)));
  // What a proxy that does not know v5 answers: 403 with no Kubernetes Status.
  Error refused = make_error(ErrorKind::Forbidden, "websocket upgrade refused: 403 Forbidden");
  refused.http_status = 403;
  REQUIRE(is_protocol_refusal(refused));
  REQUIRE_CALL(*op.client, open_websocket(_, _)).RETURN(fail(refused));
  REQUIRE_CALL(*op.client, open_multiplexed(_, MuxFraming::HttpUpgrade, _)).LR_RETURN(connection_on(wire));
  wire->stream("stdout")->send_fin();
  wire->stream("stderr")->send_fin();
  wire->stream("error")->send(kExit42);
  wire->stream("error")->send_fin();

  CHECK(op.auto_exec_with_stdin() == 42);
  CHECK(op.logged("exec: transport plan: WebSocket, then SPDY/3.1"));
  CHECK(op.logged("exec: WebSocket was refused (websocket upgrade refused: 403 Forbidden); trying SPDY/3.1"));
  CHECK(op.logged("exec: using SPDY/3.1 (v4.channel.k8s.io)"));
}

TEST_CASE("auto: an API error (pod not found) is not a reason to try another transport") {
  ExecFixture op;
  REQUIRE_CALL(*op.client, send(_, _)).WITH(_1.path == "/version").RETURN(json_response(200, version_json(31)));
  Error missing = error_from_http(
      404, R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"p\" not found","reason":"NotFound","code":404})");
  REQUIRE_FALSE(is_protocol_refusal(missing));
  ALLOW_CALL(*op.client, open_websocket(_, _)).RETURN(fail(missing));
  ALLOW_CALL(*op.client, open_multiplexed(_, _, _)).RETURN(fail(missing));
  ExecOptions options;
  options.stdin = true;
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"sh"}, options);
  auto outcome = session.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::NotFound);
  CHECK_FALSE(op.logged("trying"));
}

TEST_CASE("auto on an old server with stdin uses SPDY, so the end of stdin reaches the command") {
  const auto plan = plan_exec_transport(StreamTransport::Auto, ServerVersion{1, 20, "v1.20.2"}, true);
  REQUIRE_FALSE(plan.attempts.empty());
  REQUIRE(plan.attempts[0].wire == WireTransport::Spdy);

  ExecFixture op;
  auto wire = std::make_shared<FakeWire>();
  REQUIRE_CALL(*op.client, send(_, _)).WITH(_1.path == "/version").RETURN(json_response(200, version_json(20)));
  FORBID_CALL(*op.client, open_websocket(_, _));
  REQUIRE_CALL(*op.client, open_multiplexed(_, MuxFraming::HttpUpgrade, _)).LR_RETURN(connection_on(wire));
  ExecOptions options;
  options.stdin = true;
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"cat"}, options);
  REQUIRE(session.close_write());
  CHECK(wire->stream("stdin")->write_closed());
  wire->stream("stdout")->send_fin();
  wire->stream("stderr")->send_fin();
  wire->stream("error")->send(kSuccess);
  wire->stream("error")->send_fin();
  drain(session);
  CHECK(session.finish());
}

TEST_CASE("auto: a client that cannot open SPDY (Unsupported) falls back to WebSocket") {
  const auto plan = plan_exec_transport(StreamTransport::Auto, ServerVersion{1, 20, "v1.20.2"}, true);
  REQUIRE(plan.attempts.size() >= 2);
  REQUIRE(plan.attempts[0].wire == WireTransport::Spdy);
  REQUIRE(plan.attempts[1].wire == WireTransport::WebSocket);

  ExecFixture op;
  REQUIRE_CALL(*op.client, send(_, _)).WITH(_1.path == "/version").RETURN(json_response(200, version_json(20)));
  // What Client::open_multiplexed answers in a client written before it.
  REQUIRE_CALL(*op.client, open_multiplexed(_, _, _))
      .RETURN(fail(ErrorKind::Unsupported, "this API client cannot open SPDY connections"));
  auto socket = std::make_unique<ScriptedWebSocket>("v4.channel.k8s.io");
  socket->script(WsOpcode::Binary, std::string("\x01ok", 3));
  socket->script(WsOpcode::Binary, std::string(1, '\x03') + R"({"metadata":{},"status":"Success"})");
  socket->script(WsOpcode::Close, "");
  REQUIRE_CALL(*op.client, open_websocket(_, _)).LR_RETURN(Result<std::unique_ptr<WebSocket>>(std::move(socket)));
  CHECK(op.auto_exec_with_stdin() == 0);
  CHECK(op.logged("exec: SPDY/3.1 was refused (this API client cannot open SPDY connections); trying WebSocket"));
  CHECK(op.logged("exec: using WebSocket (v4.channel.k8s.io)"));
}

TEST_CASE("auto: an unreadable server version is logged and the plan goes on without it") {
  const auto plan = plan_exec_transport(StreamTransport::Auto, std::nullopt, false);
  REQUIRE_FALSE(plan.attempts.empty());
  REQUIRE(plan.attempts[0].wire == WireTransport::WebSocket);

  ExecFixture op;
  auto socket = std::make_unique<ScriptedWebSocket>("v5.channel.k8s.io");
  socket->script(WsOpcode::Binary, std::string("\x01ok", 3));
  socket->script(WsOpcode::Binary, std::string(1, '\x03') + R"({"metadata":{},"status":"Success"})");
  socket->script(WsOpcode::Close, "");
  REQUIRE_CALL(*op.client, send(_, _))
      .WITH(_1.path == "/version")
      .RETURN(fail(ErrorKind::Forbidden, "version is not readable"));
  REQUIRE_CALL(*op.client, open_websocket(_, _)).LR_RETURN(Result<std::unique_ptr<WebSocket>>(std::move(socket)));
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"ls"}, ExecOptions{});
  CHECK(drain(session).out == "ok");
  CHECK(session.finish());
  CHECK(op.logged("exec: could not read the server version (version is not readable)"));
  CHECK(op.logged("exec: transport plan: WebSocket, then SPDY/3.1 (server version unknown"));
  CHECK(op.logged("exec: using WebSocket (v5.channel.k8s.io)"));
}

TEST_CASE("--transport websocket: no version lookup, WebSocket only") {
  ExecFixture op;
  auto socket = std::make_unique<ScriptedWebSocket>("v4.channel.k8s.io");
  socket->script(WsOpcode::Binary, std::string("\x01hi", 3));
  socket->script(WsOpcode::Binary, std::string(1, '\x03') + kExit42);
  socket->script(WsOpcode::Close, "");
  FORBID_CALL(*op.client, send(_, _));
  FORBID_CALL(*op.client, open_multiplexed(_, _, _));
  std::vector<std::string> offered;
  REQUIRE_CALL(*op.client, open_websocket(_, _))
      .LR_SIDE_EFFECT(offered = _1.protocols)
      .LR_RETURN(Result<std::unique_ptr<WebSocket>>(std::move(socket)));
  ExecOptions options;
  options.transport = StreamTransport::WebSocket;
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"sh"}, options);
  CHECK(drain(session).out == "hi");
  auto status = session.finish();
  REQUIRE(status);
  CHECK(status->exit_code == 42);
  CHECK(std::find(offered.begin(), offered.end(), "v4.channel.k8s.io") != offered.end());
  CHECK(op.logged("exec: using WebSocket (v4.channel.k8s.io)"));
}

TEST_CASE("--transport spdy: a refused SPDY upgrade is the error, nothing else is tried") {
  ExecFixture op;
  Error refused = make_error(ErrorKind::Forbidden, "upgrade refused: 403 Forbidden");
  refused.http_status = 403;
  FORBID_CALL(*op.client, send(_, _));
  FORBID_CALL(*op.client, open_websocket(_, _));
  REQUIRE_CALL(*op.client, open_multiplexed(_, MuxFraming::HttpUpgrade, _)).RETURN(fail(refused));
  auto session = op.ops.exec(PodRef{"ns", "p"}, "", {"ls"}, spdy_options(false));
  auto outcome = session.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().http_status == 403);
}

TEST_CASE("--transport flag") {
  struct Recording final : ExecOpV2 {
    DuplexStream<ExecChunk, ExecStatus> run(const ExecRequestV2& request) override {
      seen = request.exec;
      return DuplexStream<ExecChunk, ExecStatus>::failed(make_error(ErrorKind::Cancelled, "recorded"));
    }
    std::optional<ExecRequest> seen;
  };
  auto with = [](std::vector<std::string> args, Recording& op) {
    return orka::testing::run_command<ExecOpV2>(exec_command(), op, std::move(args));
  };
  Recording spdy;
  with({"web-1", "--transport", "spdy", "-i", "--", "cat"}, spdy);
  REQUIRE(spdy.seen);
  CHECK(spdy.seen->options.transport == StreamTransport::Spdy);
  Recording websocket;
  with({"web-1", "--transport=websocket", "--", "cat"}, websocket);
  REQUIRE(websocket.seen);
  CHECK(websocket.seen->options.transport == StreamTransport::WebSocket);
  Recording automatic;
  with({"web-1", "--", "cat", "--transport", "spdy"}, automatic);  // after --: the command's
  REQUIRE(automatic.seen);
  CHECK(automatic.seen->options.transport == StreamTransport::Auto);
  CHECK(automatic.seen->command == std::vector<std::string>{"cat", "--transport", "spdy"});
  Recording none;
  auto bad = with({"web-1", "--transport", "http2", "--", "cat"}, none).result;
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::Usage);
  CHECK(exit_code_for(bad.error()) == 2);
  CHECK(bad.error().message.find("http2") != std::string::npos);
  CHECK((bad.error().message + bad.error().hint).find("auto") != std::string::npos);  // the accepted values
  // A switch given a value that is not a boolean: the flag is named (cxxopts names none).
  auto switch_value = with({"web-1", "--stdin=maybe", "--", "cat"}, none).result;
  REQUIRE_FALSE(switch_value);
  CHECK(exit_code_for(switch_value.error()) == 2);
  CHECK(switch_value.error().message == "invalid value \"maybe\" for --stdin: expected true or false");
  auto help = with({"--help"}, none);
  REQUIRE(help.result);
  CHECK(help.out.find("--transport") != std::string::npos);
  CHECK_FALSE(none.seen);
}
