// The commands: flags → the op's request → the right op → output. Ops are replaced by
// recorders, so nothing here talks to a cluster.
#include <doctest/doctest.h>

#include <sstream>

#include "cordon.hpp"
#include "delete.hpp"
#include "drain.hpp"
#include "fake_api.hpp"
#include "rr.hpp"
#include "scale.hpp"
#include "test_ops.hpp"

using namespace orka;
using namespace orka::testing;

namespace {

// What the commands asked of the ops, recorded by stand-ins for the five mutating ops.
struct Recorded {
  ObjectRef scale_target;
  std::int32_t scale_replicas = -1;
  ScaleMode scale_mode = ScaleMode::Subresource;
  ScaleOptions scale_options;
  std::vector<ObjectRef> restarted;
  std::vector<std::string> deleted;
  DeleteOptions delete_options;
  std::vector<std::pair<std::string, bool>> cordoned;
  std::string drained;
  DrainOptions drain_options;
};

struct RecordingScale final : ScaleOp {
  explicit RecordingScale(Recorded& r) : r(r) {}
  Result<ScaleOutcome> run(const ScaleRequest& request) override {
    r.scale_target = request.target;
    r.scale_replicas = request.replicas;
    r.scale_mode = request.mode;
    r.scale_options = request.options;
    return ScaleOutcome{"deployments.apps/" + request.target.name, 2, request.replicas};
  }
  Recorded& r;
};

struct RecordingRestart final : RolloutRestartOp {
  explicit RecordingRestart(Recorded& r) : r(r) {}
  Result<RolloutOutcome> run(const RolloutRequest& request) override {
    r.restarted.push_back(request.target);
    return RolloutOutcome{"deployment/" + request.target.name, "2026-11-26T10:00:00Z"};
  }
  Recorded& r;
};

struct RecordingDelete final : DeletePodOp {
  explicit RecordingDelete(Recorded& r) : r(r) {}
  Result<DeleteOutcome> run(const DeleteRequest& request) override {
    r.deleted.push_back(request.pod.name);
    r.delete_options = request.options;
    return DeleteOutcome{"web/" + request.pod.name, "uid", request.options.wait};
  }
  Recorded& r;
};

struct RecordingCordon final : CordonOp {
  explicit RecordingCordon(Recorded& r) : r(r) {}
  Result<CordonOutcome> run(const CordonRequest& request) override {
    r.cordoned.emplace_back(request.node, request.on);
    if (request.node == "broken") return fail(ErrorKind::Forbidden, "nodes \"broken\" is forbidden");
    return CordonOutcome{request.node, request.node != "already"};
  }
  Recorded& r;
};

struct RecordingDrain final : DrainOp {
  explicit RecordingDrain(Recorded& r) : r(r) {}
  Result<DrainOutcome> run(const DrainRequest& request) override {
    r.drained = request.node;
    r.drain_options = request.options;
    if (request.options.progress)
      request.options.progress(ProgressEvent{"evicted", "pod web/a evicted (1/1)", {{"pod", "web/a"}}});
    return DrainOutcome{request.node, {"web/a"}, {}, {}};
  }
  Recorded& r;
};

// The registry the commands run against: the five recorders, sharing one record.
class RecordingOps : public Recorded {
 public:
  RecordingOps() {
    registry.add<ScaleOp>(std::make_shared<RecordingScale>(*this));
    registry.add<RolloutRestartOp>(std::make_shared<RecordingRestart>(*this));
    registry.add<DeletePodOp>(std::make_shared<RecordingDelete>(*this));
    registry.add<CordonOp>(std::make_shared<RecordingCordon>(*this));
    registry.add<DrainOp>(std::make_shared<RecordingDrain>(*this));
  }
  TestOps registry;
};

struct Run {
  Result<int> result;
  std::string out;
  std::string err;
};

Run run(const CommandSpec& spec, RecordingOps& ops, std::vector<std::string> args,
        std::string invoked_as = "") {
  MockedCluster cluster;
  std::ostringstream out;
  std::ostringstream err;
  CommandContext ctx{cluster.services, ops.registry, invoked_as.empty() ? spec.name : invoked_as,
                     std::move(args), out, err, CancelToken{}, false, false};
  auto result = spec.run(ctx);
  return {result, out.str(), err.str()};
}

void check_usage(const Run& r, const std::string& fragment) {
  REQUIRE_FALSE(r.result);
  CHECK(r.result.error().kind == ErrorKind::Usage);
  CHECK(exit_code_for(r.result.error()) == 2);
  CAPTURE(r.result.error().message);
  CHECK(r.result.error().message.find(fragment) != std::string::npos);
}

}  // namespace

TEST_CASE("cordon / uncordon / --off") {
  RecordingOps ops;
  auto spec = cordon::cordon_command();
  CHECK(spec.aliases == std::vector<std::string>{"uncordon"});
  auto r = run(spec, ops, {"n1", "node/already"});
  REQUIRE(r.result);
  CHECK(r.out == "node/n1 cordoned\nnode/already already cordoned\n");
  auto u = run(spec, ops, {"n1"}, "uncordon");
  REQUIRE(u.result);
  CHECK(u.out == "node/n1 uncordoned\n");
  auto off = run(spec, ops, {"--off", "--json", "n2"});
  REQUIRE(off.result);
  CHECK(nlohmann::json::parse(off.out) ==
        nlohmann::json{{"node", "n2"}, {"unschedulable", false}, {"changed", true}});
  CHECK(ops.cordoned.back() == std::pair<std::string, bool>{"n2", false});
  check_usage(run(spec, ops, {}), "at least one node");
  check_usage(run(spec, ops, {"pod/x"}), "only nodes");
  check_usage(run(spec, ops, {"--bogus", "n1"}), "bogus");
  auto failed = run(spec, ops, {"broken", "n3"});
  REQUIRE_FALSE(failed.result);
  CHECK(failed.result.error().kind == ErrorKind::Forbidden);
  CHECK(failed.out == "node/n3 cordoned\n");  // the others still ran
}

TEST_CASE("delete flags") {
  RecordingOps ops;
  auto spec = podsdelete::delete_command();
  auto r = run(spec, ops, {"api-1", "pod/api-2", "--grace-period", "0"});
  REQUIRE(r.result);
  CHECK(ops.deleted == std::vector<std::string>{"api-1", "api-2"});
  CHECK(ops.delete_options.grace_period_seconds == 0);
  CHECK(r.out == "pod \"api-1\" deleted\npod \"api-2\" deleted\n");

  auto forced = run(spec, ops, {"api-1", "--force"});
  REQUIRE(forced.result);
  CHECK(forced.err.find("Warning: Immediate deletion does not wait") == 0);
  CHECK(ops.delete_options.force);

  auto now = run(spec, ops, {"api-1", "--now", "--wait", "--timeout", "30s"});
  REQUIRE(now.result);
  CHECK(ops.delete_options.grace_period_seconds == 1);
  CHECK(ops.delete_options.wait);
  CHECK(ops.delete_options.timeout == std::chrono::seconds(30));

  check_usage(run(spec, ops, {"api-1", "--now", "--grace-period", "5"}), "cannot be specified together");
  check_usage(run(spec, ops, {"svc/web"}), "only pods");
  check_usage(run(spec, ops, {}), "at least one pod");
  check_usage(run(spec, ops, {"a", "--timeout", "10s"}), "--timeout only applies with --wait");
  check_usage(run(spec, ops, {"a", "--grace-period=-5"}), "--grace-period");
  auto help = run(spec, ops, {"--help"});
  REQUIRE(help.result);
  CHECK(*help.result == 0);
  CHECK(help.out.find("usage: orka ops delete") == 0);
}

TEST_CASE("scale flags") {
  RecordingOps ops;
  auto spec = scale::scale_command();
  auto r = run(spec, ops, {"deploy/web", "--replicas", "3"});
  REQUIRE(r.result);
  CHECK(ops.scale_target.type == "deploy");
  CHECK(ops.scale_target.name == "web");
  CHECK(ops.scale_replicas == 3);
  CHECK(ops.scale_mode == ScaleMode::Subresource);
  CHECK(r.out == "deployments.apps/web scaled from 2 to 3 replicas\n");

  auto apply = run(spec, ops, {"deployment", "web", "--replicas=0", "--mode", "apply",
                               "--force-conflicts", "--current-replicas", "2", "--json"});
  REQUIRE(apply.result);
  CHECK(ops.scale_mode == ScaleMode::Apply);
  CHECK(ops.scale_options.force_conflicts);
  CHECK(ops.scale_options.current_replicas == 2);
  auto json = nlohmann::json::parse(apply.out);
  CHECK(json["replicas"] == 0);
  CHECK(json["previous_replicas"] == 2);
  CHECK(json["mode"] == "apply");

  check_usage(run(spec, ops, {"deploy/web"}), "--replicas is required");
  check_usage(run(spec, ops, {"web", "--replicas", "1"}), "names no type");
  check_usage(run(spec, ops, {"deploy/web", "--replicas=-1"}), "--replicas must be between");
  check_usage(run(spec, ops, {"deploy/web", "--replicas", "x"}),
              "invalid value \"x\" for --replicas: expected a whole number");
  check_usage(run(spec, ops, {"deploy/web", "--replicas=9999999999999999999999"}),
              "for --replicas: expected a smaller whole number");
  check_usage(run(spec, ops, {"deploy/web", "--replicas", "1", "--mode", "magic"}), "--mode must be");
  check_usage(run(spec, ops, {"deploy/web", "--replicas", "1", "--force-conflicts"}), "--force-conflicts only applies with mode apply");
  check_usage(run(spec, ops, {"deploy/a", "deploy/b", "--replicas", "1"}), "one object");
}

TEST_CASE("rr flags") {
  RecordingOps ops;
  auto spec = rr::rr_command();
  auto r = run(spec, ops, {"deploy", "a", "b"});
  REQUIRE(r.result);
  REQUIRE(ops.restarted.size() == 2);
  CHECK(ops.restarted[1].type == "deploy");
  CHECK(ops.restarted[1].name == "b");
  CHECK(r.out == "deployment/a restarted\ndeployment/b restarted\n");
  auto mixed = run(spec, ops, {"sts/db", "ds/agent"});
  REQUIRE(mixed.result);
  CHECK(ops.restarted.back().type == "ds");
  check_usage(run(spec, ops, {}), "name what to restart");
  check_usage(run(spec, ops, {"deploy"}), "names no object");
  check_usage(run(spec, ops, {"deploy/a", "--timeout", "1m"}), "--timeout only applies with --wait");
}

TEST_CASE("drain flags and JSON Lines progress") {
  RecordingOps ops;
  auto spec = drain::drain_command();
  auto r = run(spec, ops, {"node/n1", "--ignore-daemonsets", "--delete-emptydir-data", "--force",
                           "--grace-period", "15", "--timeout", "2m", "--pod-selector", "app=web",
                           "--disable-eviction", "--skip-wait-for-delete-timeout", "60", "--json"});
  REQUIRE(r.result);
  CHECK(ops.drained == "n1");
  const auto& o = ops.drain_options;
  CHECK(o.ignore_daemonsets);
  CHECK(o.delete_emptydir_data);
  CHECK(o.force);
  CHECK(o.disable_eviction);
  CHECK(o.grace_period_seconds == 15);
  CHECK(o.timeout == std::chrono::minutes(2));
  CHECK(o.pod_selector == "app=web");
  CHECK(o.skip_wait_for_delete_timeout_seconds == 60);
  std::istringstream lines(r.out);
  std::string line;
  std::vector<nlohmann::json> events;
  while (std::getline(lines, line)) events.push_back(nlohmann::json::parse(line));
  REQUIRE(events.size() == 2);
  CHECK(events[0]["event"] == "evicted");
  CHECK(events[0]["pod"] == "web/a");
  CHECK(events[1]["event"] == "result");
  CHECK(events[1]["evicted"] == nlohmann::json::array({"web/a"}));

  auto human = run(spec, ops, {"n1", "--dry-run"});
  REQUIRE(human.result);
  CHECK(ops.drain_options.dry_run);
  CHECK(human.out == "pod web/a evicted (1/1)\nnode/n1 can be drained: 1 pod would go, 0 skipped "
                     "(dry run: nothing was changed)\n");

  check_usage(run(spec, ops, {}), "name the node");
  check_usage(run(spec, ops, {"n1", "n2"}), "one node at a time");
  check_usage(run(spec, ops, {"n1", "--grace-period=-3"}), "--grace-period");
  check_usage(run(spec, ops, {"n1", "--timeout", "soon"}), "--timeout");
  check_usage(run(spec, ops, {"pod/x"}), "only nodes");
}

TEST_CASE("a flag value of the wrong type names the flag, what it expects and what it is for") {
  RecordingOps ops;
  auto drain = drain::drain_command();
  auto grace = run(drain, ops, {"n1", "--grace-period", "abc"});
  check_usage(grace, "invalid value \"abc\" for --grace-period: expected a whole number");
  CHECK(grace.result.error().hint.find("--grace-period: seconds each pod gets to stop") == 0);
  CHECK(grace.result.error().hint.find("usage: orka ops drain") != std::string::npos);
  check_usage(run(drain, ops, {"n1", "--skip-wait-for-delete-timeout=soon"}),
              "invalid value \"soon\" for --skip-wait-for-delete-timeout: expected a whole number");
  // The value is quoted escaped: a control character does not reach the terminal as is.
  auto escaped = run(drain, ops, {"n1", "--grace-period", "1\x1b[2J"});
  check_usage(escaped, "for --grace-period");
  CHECK(escaped.result.error().message.find('\x1b') == std::string::npos);
  check_usage(run(podsdelete::delete_command(), ops, {"pod/a", "--grace-period=x"}),
              "invalid value \"x\" for --grace-period: expected a whole number");
}
