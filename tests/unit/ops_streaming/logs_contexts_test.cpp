// Logs over several contexts: which contexts a command line names (contexts.hpp), the merged
// stream of one op per context (over_contexts.hpp), and `orka ops logs --context a,b` /
// `--all-contexts` printing them. Each context's ops are a test registry holding a scripted logs
// op; the host's contexts are a trompeloeil mock of HostContexts.
#include <doctest/doctest.h>
#include <doctest/trompeloeil.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>

#include "logs_command.hpp"
#include "orka/contexts.hpp"
#include "orka/ops/logs_v2.hpp"
#include "orka/over_contexts.hpp"
#include "test_ops.hpp"
#include "scripted_log_events.hpp"

// trompeloeil first asks whether a mocked call's return value equals nullptr; std::expected
// claims it can compare with anything (see mock_client.hpp). These answer "not null".
namespace orka {
inline namespace ORKA_ABI_NAMESPACE {
inline bool operator==(const Result<KubeconfigContexts>&, std::nullptr_t) { return false; }
inline bool operator==(const Result<std::shared_ptr<Ops>>&, std::nullptr_t) { return false; }
}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
namespace trompeloeil {
inline bool operator==(const orka::Result<orka::KubeconfigContexts>&, const indirect_null&) {
  return false;
}
inline bool operator==(const orka::Result<std::shared_ptr<orka::Ops>>&, const indirect_null&) {
  return false;
}
}  // namespace trompeloeil

using namespace orka;
using orka::testing::line;
using orka::testing::started;
using namespace std::chrono_literals;

namespace {

// A kubeconfig's contexts as the host reports them: names only matter here.
KubeconfigContexts contexts_named(std::vector<std::string> names, std::string current,
                                  std::vector<std::string> files) {
  KubeconfigContexts contexts;
  contexts.files = std::move(files);
  contexts.current_context = std::move(current);
  for (auto& name : names) contexts.contexts.push_back(KubeconfigContext{std::move(name), {}, {}, {}, {}});
  return contexts;
}

using Merged = ContextEvent<LogEvent>;

// A gate a scripted op waits at (bounded: a test that forgets to open it fails, never hangs).
struct Gate {
  std::mutex mutex;
  std::condition_variable opened_cv;
  bool opened = false;
  void open() {
    {
      std::lock_guard lock(mutex);
      opened = true;
    }
    opened_cv.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mutex);
    return opened_cv.wait_for(lock, 10s, [&] { return opened; });
  }
};

// Plays `before`, waits at `gate` (when given), plays `after`, ends with `result` — or fails at
// once with `refusal` (a context whose server is unreachable, or that forbids the read).
class ScriptedLogs final : public LogsOp {
 public:
  Stream<LogEvent, LogsOutcome> run(const LogsRequest& request) override {
    {
      std::lock_guard lock(mutex);
      seen = request;
    }
    if (refusal) return Stream<LogEvent, LogsOutcome>::failed(*refusal);
    return Stream<LogEvent, LogsOutcome>::spawn(
        16, Overflow::Block, request.cancel,
        [this, cancel = request.cancel](StreamWriter<LogEvent>& out) -> Result<LogsOutcome> {
          for (const auto& event : before) out.push(event);
          if (gate != nullptr && !gate->wait()) return fail(ErrorKind::Internal, "gate never opened");
          for (const auto& event : after) out.push(event);
          if (follow) cancel.wait_for(10s);  // a follower: ends when cancelled
          if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "interrupted");
          return LogsOutcome{1, 0};
        });
  }
  std::mutex mutex;
  std::optional<LogsRequest> seen;
  std::vector<LogEvent> before, after;
  Gate* gate = nullptr;
  bool follow = false;
  std::optional<Error> refusal;
};

// Version 2 (what the command calls) played by the same script: the fan-out passes the
// structured options along untouched, so only the base request matters here.
class ScriptedLogsV2 final : public LogsOpV2 {
 public:
  explicit ScriptedLogsV2(ScriptedLogs& v1) : v1_(v1) {}
  Stream<LogEvent, LogsOutcome> run(const LogsRequestV2& request) override { return v1_.run(request.base); }

 private:
  ScriptedLogs& v1_;
};

std::shared_ptr<Ops> ops_with(ScriptedLogs& op) {
  auto ops = std::make_shared<orka::testing::TestOps>();
  ops->add<LogsOp>(std::shared_ptr<LogsOp>(&op, [](LogsOp*) {}));
  ops->add<LogsOpV2>(std::make_shared<ScriptedLogsV2>(op));
  return ops;
}

Error unreachable() {
  return make_error(ErrorKind::Transport,
                    "cannot connect to https://127.0.0.1:1: Connection refused");
}

std::vector<Merged> drain(Stream<Merged, ContextsOutcome<LogsOutcome>>& events) {
  std::vector<Merged> items;
  while (auto received = events.next()) items.push_back(std::move(*received.value));
  return items;
}

}  // namespace

TEST_CASE("contexts to fan out: several names, every context, or the usual one") {
  const KubeconfigContexts known = contexts_named({"a", "b", "odd,name"}, "a", {"/k"});
  CHECK(contexts_to_fan_out(std::nullopt, false, known)->empty());
  CHECK(contexts_to_fan_out(std::string("a"), false, known)->empty());
  CHECK(contexts_to_fan_out(std::string("odd,name"), false, known)->empty());  // that one context
  CHECK(*contexts_to_fan_out(std::string("b,a,b"), false, known) == std::vector<std::string>{"b", "a"});
  CHECK(*contexts_to_fan_out(std::nullopt, true, known) == known.names());

  auto unknown = contexts_to_fan_out(std::string("a,nope"), false, known);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == ErrorKind::Usage);
  CHECK(unknown.error().message == "--context: no context \"nope\" in the kubeconfig");
  CHECK(unknown.error().hint == "known contexts: a, b, odd,name");
  CHECK(contexts_to_fan_out(std::string("a,,b"), false, known).error().kind == ErrorKind::Usage);
  CHECK(contexts_to_fan_out(std::string("a,b"), true, known).error().kind == ErrorKind::Usage);
  auto none = contexts_to_fan_out(std::nullopt, true, KubeconfigContexts{});
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "--all-contexts: the kubeconfig defines no context");
}

TEST_CASE("one failing context is its own event; the other context's lines keep coming") {
  Gate after_failure;
  ScriptedLogs good;
  good.before = {started("web-0"), line("web-0", "one")};
  good.gate = &after_failure;
  good.after = {line("web-0", "two")};
  ScriptedLogs bad;
  bad.refusal = unreachable();

  LogsRequest request;
  request.target = "web-0";
  auto events = run_over_contexts<LogsOp>({{"good", ops_with(good)}, {"bad", ops_with(bad)}},
                                          request, 100);
  std::vector<Merged> seen;
  bool failure_seen = false;
  while (auto received = events.next()) {
    const Merged& item = *received.value;
    seen.push_back(item);
    if (item.type == Merged::Type::ContextFailed) {
      failure_seen = true;
      CHECK(item.context == "bad");
      REQUIRE(item.error);
      CHECK(item.error->kind == ErrorKind::Transport);
      after_failure.open();  // only now does "good" send its second line
    }
  }
  REQUIRE(failure_seen);
  std::vector<std::string> good_lines;
  for (const auto& item : seen)
    if (item.type == Merged::Type::Event && item.event.type == LogEvent::Type::Line) {
      CHECK(item.context == "good");
      good_lines.push_back(item.event.chunk.line);
    }
  CHECK(good_lines == std::vector<std::string>{"one", "two"});
  CHECK(seen.back().context == "good");
  CHECK(seen.back().type == Merged::Type::ContextEnded);

  auto outcome = events.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Transport);
  CHECK(outcome.error().message ==
        "context \"bad\": cannot connect to https://127.0.0.1:1: Connection refused");
  CHECK(exit_code_for(outcome.error()) == 1);
}

TEST_CASE("each context runs the same request with a cancel token of its own") {
  ScriptedLogs a, b;
  LogsRequest request;
  request.selector = "app=web";
  request.log.tail_lines = 5;
  auto events = run_over_contexts<LogsOp>({{"a", ops_with(a)}, {"b", ops_with(b)}}, request, 10);
  (void)drain(events);
  auto outcome = events.finish();
  REQUIRE(outcome);
  REQUIRE(outcome->contexts.size() == 2);
  CHECK(outcome->contexts[0].context == "a");
  CHECK(outcome->contexts[1].context == "b");
  CHECK(outcome->failed == 0);
  REQUIRE(a.seen);
  REQUIRE(b.seen);
  CHECK(a.seen->selector == "app=web");
  CHECK(b.seen->log.tail_lines == 5);
  a.seen->cancel.cancel();  // one context's token is not another's, nor the caller's
  CHECK_FALSE(b.seen->cancel.cancelled());
  CHECK_FALSE(request.cancel.cancelled());
}

TEST_CASE("several failed contexts: how many, then the first one's error") {
  ScriptedLogs a, b;
  a.refusal = make_error(ErrorKind::Forbidden, "pods is forbidden: User \"r\" cannot list pods");
  a.refusal->http_status = 403;
  b.refusal = unreachable();
  auto events = run_over_contexts<LogsOp>({{"a", ops_with(a)}, {"b", ops_with(b)}}, LogsRequest{}, 10);
  auto items = drain(events);
  CHECK(items.size() == 2);
  auto outcome = events.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().reason == kContextsFailed);
  CHECK(outcome.error().http_status == 0);  // no one response: describe() shows no HTTP status
  CHECK(outcome.error().message ==
        "2 of 2 contexts failed; first, context \"a\": pods is forbidden: User \"r\" cannot list pods");
}

TEST_CASE("cancelling the merged stream ends every context's follow") {
  ScriptedLogs a, b;
  a.follow = b.follow = true;
  a.before = {line("p", "x")};
  LogsRequest request;
  request.log.follow = true;
  auto events = run_over_contexts<LogsOp>({{"a", ops_with(a)}, {"b", ops_with(b)}}, request, 10);
  auto first = events.next();
  REQUIRE(first);
  CHECK(first.value->event.chunk.line == "x");
  const auto t0 = std::chrono::steady_clock::now();
  events.cancel();
  auto outcome = events.finish();
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);  // not the followers' own 10 s
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Cancelled);
}

// ------------------------------------------------------------------- the command

namespace {

class MockHostContexts final : public orka::testing::NoClusterServices, public HostContexts {
 public:
  MAKE_CONST_MOCK0(context_option, std::optional<std::string>(), override);
  MAKE_MOCK0(kubeconfig_contexts, Result<KubeconfigContexts>(), override);
  MAKE_MOCK1(ops_for_context, Result<std::shared_ptr<Ops>>(const std::string&), override);
};

struct Run {
  Result<int> result;
  std::string out;
  std::string err;
};

Run run_logs(Services& services, std::vector<std::string> args) {
  orka::testing::TestOps no_ops;  // the command must use the contexts' ops, not these
  std::ostringstream out, err;
  CommandContext ctx{services, no_ops, "logs", std::move(args), out, err, CancelToken{}};
  auto result = orka::streaming::logs_command().run(ctx);
  return {result, out.str(), err.str()};
}

const KubeconfigContexts kTwo = contexts_named({"admin", "dead", "restricted"}, "admin", {"/tmp/kubeconfig"});

}  // namespace

TEST_CASE("logs --context a,b: lines prefixed by their context; a failed context on stderr, exit 1") {
  ScriptedLogs admin, dead;
  admin.before = {started("web-0"), line("web-0", "hello")};
  dead.refusal = unreachable();
  MockHostContexts host;
  ALLOW_CALL(host, context_option()).RETURN(std::optional<std::string>("admin,dead"));
  REQUIRE_CALL(host, kubeconfig_contexts()).RETURN(kTwo);
  REQUIRE_CALL(host, ops_for_context("admin")).LR_RETURN(ops_with(admin));
  REQUIRE_CALL(host, ops_for_context("dead")).LR_RETURN(ops_with(dead));
  auto r = run_logs(host, {"web-0"});
  REQUIRE_FALSE(r.result);
  CHECK(exit_code_for(r.result.error()) == 1);
  CHECK(r.result.error().message.starts_with("context \"dead\": cannot connect"));
  CHECK(r.out == "[admin] hello\n");
  CHECK(r.err.find("error: context \"dead\": cannot connect to https://127.0.0.1:1") !=
        std::string::npos);
  REQUIRE(admin.seen);
  CHECK(admin.seen->target == "web-0");
}

TEST_CASE("logs --all-contexts --json: every object carries its context") {
  ScriptedLogs admin, dead, restricted;
  admin.before = {started("web-0"), line("web-0", "from admin")};
  restricted.before = {started("web-0"), line("web-0", "from restricted")};
  dead.refusal = unreachable();
  MockHostContexts host;
  ALLOW_CALL(host, context_option()).RETURN(std::optional<std::string>());
  REQUIRE_CALL(host, kubeconfig_contexts()).RETURN(kTwo);
  REQUIRE_CALL(host, ops_for_context("admin")).LR_RETURN(ops_with(admin));
  REQUIRE_CALL(host, ops_for_context("dead")).LR_RETURN(ops_with(dead));
  REQUIRE_CALL(host, ops_for_context("restricted")).LR_RETURN(ops_with(restricted));
  auto r = run_logs(host, {"web-0", "--all-contexts", "--json"});
  REQUIRE_FALSE(r.result);
  std::istringstream lines(r.out);
  std::map<std::string, std::string> line_of;
  bool dead_failed = false;
  for (std::string text; std::getline(lines, text);) {
    auto object = nlohmann::json::parse(text);
    REQUIRE(object.contains("context"));
    if (object.contains("line")) line_of[object["context"]] = object["line"];
    if (object.value("event", "") == "context_failed") {
      CHECK(object["context"] == "dead");
      CHECK(object["kind"] == "Transport");
      dead_failed = true;
    }
  }
  CHECK(dead_failed);
  CHECK(line_of == std::map<std::string, std::string>{{"admin", "from admin"},
                                                      {"restricted", "from restricted"}});
}

TEST_CASE("logs --context with an unknown name: a usage error listing the known ones, nothing run") {
  MockHostContexts host;
  ALLOW_CALL(host, context_option()).RETURN(std::optional<std::string>("admin,nope"));
  REQUIRE_CALL(host, kubeconfig_contexts()).RETURN(kTwo);
  FORBID_CALL(host, ops_for_context(trompeloeil::_));
  auto r = run_logs(host, {"web-0"});
  REQUIRE_FALSE(r.result);
  CHECK(exit_code_for(r.result.error()) == 2);
  CHECK(r.result.error().message.find("no context \"nope\"") != std::string::npos);
  CHECK(r.result.error().hint.find("known contexts: admin, dead, restricted") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("logs with one context does not fan out; --all-contexts on a host without contexts is refused") {
  MockHostContexts host;
  ALLOW_CALL(host, context_option()).RETURN(std::optional<std::string>("admin"));
  FORBID_CALL(host, kubeconfig_contexts());
  FORBID_CALL(host, ops_for_context(trompeloeil::_));
  auto one = run_logs(host, {"web-0"});
  REQUIRE_FALSE(one.result);  // the host's own ops: this test gave it none
  CHECK(one.result.error().message.find("no plugin provides the logs op") != std::string::npos);

  orka::testing::NoClusterServices plain;
  auto all = run_logs(plain, {"web-0", "--all-contexts"});
  REQUIRE_FALSE(all.result);
  CHECK(all.result.error().kind == ErrorKind::Unsupported);
}
