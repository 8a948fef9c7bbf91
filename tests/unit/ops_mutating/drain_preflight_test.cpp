// The drain pre-flight: PodDisruptionBudget matching, the per-pod listing with every refusal,
// and `--dry-run` end to end against the scripted API (it reads, reports, decides; never writes).
#include <doctest/doctest.h>

#include <mutex>

#include "drain.hpp"
#include "fake_api.hpp"
#include "preflight.hpp"

using namespace orka;
using namespace orka::testing;

namespace {

const std::string kNodePods = "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1";
const std::string kBudgetsV1 = "/apis/policy/v1/poddisruptionbudgets";
const std::string kBudgetsV1beta1 = "/apis/policy/v1beta1/poddisruptionbudgets";

nlohmann::json ready_pod(const std::string& name, const std::string& owner_kind = "ReplicaSet",
                         const std::string& app = "web") {
  nlohmann::json p = {
      {"metadata", {{"name", name}, {"namespace", "web"}, {"uid", name + "-uid"},
                    {"labels", {{"app", app}}}}},
      {"spec", {{"nodeName", "n1"}}},
      {"status", {{"phase", "Running"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
  if (!owner_kind.empty())
    p["metadata"]["ownerReferences"] = {{{"kind", owner_kind}, {"name", "owner"}, {"controller", true}}};
  return p;
}

nlohmann::json with_emptydir(nlohmann::json pod) {
  pod["spec"]["volumes"] = {{{"name", "scratch"}, {"emptyDir", nlohmann::json::object()}}};
  return pod;
}

nlohmann::json mirror_pod(const std::string& name) {
  nlohmann::json pod = ready_pod(name, "Node", "static");
  pod["metadata"]["annotations"] = {{"kubernetes.io/config.mirror", "abc"}};
  return pod;
}

nlohmann::json budget(const std::string& name, nlohmann::json selector, int allowed,
                      int healthy = 2, int desired = 2, int expected = 2,
                      const std::string& namespace_ = "web") {
  return {{"metadata", {{"name", name}, {"namespace", namespace_}}},
          {"spec", {{"minAvailable", desired}, {"selector", std::move(selector)}}},
          {"status", {{"disruptionsAllowed", allowed}, {"currentHealthy", healthy},
                      {"desiredHealthy", desired}, {"expectedPods", expected}}}};
}

nlohmann::json app_selector(const std::string& app) { return {{"matchLabels", {{"app", app}}}}; }

const drain::DaemonSetExists kDaemonSetsExist = [](const std::string&, const std::string&) -> Result<bool> {
  return true;
};

struct Events {
  std::mutex mutex;
  std::vector<ProgressEvent> all;
  ProgressFn recorder() {
    return [this](const ProgressEvent& e) {
      std::lock_guard lock(mutex);
      all.push_back(e);
    };
  }
  std::vector<ProgressEvent> of(const std::string& phase) {
    std::vector<ProgressEvent> found;
    for (const auto& e : all)
      if (e.phase == phase) found.push_back(e);
    return found;
  }
  const ProgressEvent* preview_of(const std::string& pod) {
    for (const auto& e : all)
      if (e.phase == "preview" && e.data.value("pod", "") == pod) return &e;
    return nullptr;
  }
};

// Node n1 runs `pods`; every DaemonSet they name exists.
void node_with_pods(MockedCluster& cluster, const std::vector<nlohmann::json>& pods) {
  cluster.api.on("GET", "/api/v1/nodes/n1", 200, {{"spec", nlohmann::json::object()}});
  cluster.api.on("GET", kNodePods, 200, {{"items", pods}});
  cluster.api.on("GET", "/apis/apps/v1/namespaces/web/daemonsets/", 200, {{"kind", "DaemonSet"}});
}

// The pre-flight of n1 with `options`, its events recorded in `events`.
Result<DrainOutcome> preflight_n1(MockedCluster& cluster, DrainOptions options, Events& events) {
  options.dry_run = true;
  options.progress = events.recorder();
  drain::DrainOps ops(cluster.services);
  return ops.run(DrainRequest{"n1", options});
}

void expect_no_writes(const MockedCluster& cluster) {
  CHECK(cluster.api.count("PATCH") == 0);
  CHECK(cluster.api.count("POST") == 0);
  CHECK(cluster.api.count("PUT") == 0);
  CHECK(cluster.api.count("DELETE") == 0);
}

}  // namespace

TEST_CASE("budget check: a budget allowing 0 disruptions holds the pods it selects, with its numbers") {
  const std::vector<nlohmann::json> pods = {ready_pod("web-1"), ready_pod("web-2"),
                                            ready_pod("db-1", "StatefulSet", "db")};
  const auto check = drain::check_budgets(
      pods,
      {budget("web", app_selector("web"), 0, 2, 2, 2), budget("db", app_selector("db"), 1, 3, 2, 3),
       budget("elsewhere", app_selector("web"), 0, 1, 1, 1, "other-ns")},
      true);
  REQUIRE(check.blockers.size() == 1);
  const auto& blocker = check.blockers.front();
  CHECK(blocker.namespace_ == "web");
  CHECK(blocker.name == "web");
  CHECK(blocker.disruptions_allowed == 0);
  CHECK(blocker.current_healthy == 2);
  CHECK(blocker.desired_healthy == 2);
  CHECK(blocker.expected_pods == 2);
  CHECK(blocker.pods == std::vector<std::string>{"web/web-1", "web/web-2"});
  CHECK(check.overlapping.empty());
  CHECK(drain::describe_budget_blocker(blocker) ==
        "PodDisruptionBudget web/web allows 0 disruptions (currentHealthy 2, desiredHealthy 2, "
        "expectedPods 2): holds web/web-1, web/web-2");
}

TEST_CASE("budget check: pods the eviction subresource lets through whatever the budget") {
  const auto blocking = std::vector<nlohmann::json>{budget("web", app_selector("web"), 0, 2, 2, 3)};
  auto pending = ready_pod("pending");
  pending["status"]["phase"] = "Pending";
  auto done = ready_pod("done");
  done["status"]["phase"] = "Succeeded";
  auto leaving = ready_pod("leaving");
  leaving["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  auto unready = ready_pod("unready");
  unready["status"]["conditions"] = {{{"type", "Ready"}, {"status", "False"}}};
  CHECK(drain::check_budgets({pending, done, leaving, unready}, blocking, true).blockers.empty());
  // Unready while the budget is short of its desired healthy count: evicting it is refused.
  CHECK(drain::check_budgets({unready}, {budget("web", app_selector("web"), 0, 1, 2, 3)}, true)
            .blockers.size() == 1);
}

TEST_CASE("budget check: empty selectors by version, and a pod two budgets select") {
  const auto pods = std::vector<nlohmann::json>{ready_pod("web-1")};
  const auto everything = budget("all", nlohmann::json::object(), 0);
  CHECK(drain::check_budgets(pods, {everything}, true).blockers.size() == 1);   // policy/v1
  CHECK(drain::check_budgets(pods, {everything}, false).blockers.empty());      // policy/v1beta1
  auto no_selector = budget("none", nullptr, 0);
  no_selector["spec"].erase("selector");
  CHECK(drain::check_budgets(pods, {no_selector}, true).blockers.empty());

  // Two budgets, both allowing disruptions: eviction still refuses the pod.
  const auto check = drain::check_budgets(
      pods, {budget("a", app_selector("web"), 1), budget("b", {{"matchExpressions",
             {{{"key", "app"}, {"operator", "In"}, {"values", {"web", "api"}}}}}}, 1)},
      true);
  CHECK(check.blockers.empty());
  REQUIRE(check.overlapping.size() == 1);
  CHECK(check.overlapping.front().pod == "web/web-1");
  CHECK(check.overlapping.front().budgets == std::vector<std::string>{"web/a", "web/b"});
}

TEST_CASE("pod preview: every refusal a pod meets, and what then happens to it") {
  const std::vector<nlohmann::json> pods = {
      ready_pod("web-1"), ready_pod("agent", "DaemonSet"), ready_pod("loner", ""),
      with_emptydir(ready_pod("scratch-loner", "")), mirror_pod("etcd-n1")};
  auto previews = drain::preview_pods(pods, {}, kDaemonSetsExist, true);
  REQUIRE(previews);
  REQUIRE(previews->size() == 5);
  const auto& p = *previews;
  CHECK(p[0].action == drain::PodAction::Evict);
  CHECK(p[1].action == drain::PodAction::Refuse);
  CHECK(p[1].refusals == std::vector<std::string>{drain::kDaemonSetRefusal});
  CHECK(p[1].with_flags == drain::PodAction::SkipDaemonSet);
  CHECK(p[2].refusals == std::vector<std::string>{drain::kUnmanagedRefusal});
  CHECK(p[2].with_flags == drain::PodAction::Evict);
  // kubectl stops at the emptyDir; the preview also names the --force it needs next.
  CHECK(p[3].refusals == std::vector<std::string>{drain::kLocalStorageRefusal, drain::kUnmanagedRefusal});
  CHECK(p[3].with_flags == drain::PodAction::Evict);
  CHECK(p[4].action == drain::PodAction::SkipMirror);
  CHECK(drain::flag_for_refusal(drain::kLocalStorageRefusal) == "--delete-emptydir-data");

  drain::FilterFlags all;
  all.ignore_daemonsets = all.delete_emptydir_data = all.force = true;
  auto deleting = drain::preview_pods(pods, all, kDaemonSetsExist, false);
  REQUIRE(deleting);
  CHECK((*deleting)[0].action == drain::PodAction::Delete);
  CHECK((*deleting)[1].action == drain::PodAction::SkipDaemonSet);
  CHECK((*deleting)[3].action == drain::PodAction::Delete);
  CHECK((*deleting)[3].refusals.empty());

  auto lookup_failed = drain::preview_pods({ready_pod("agent", "DaemonSet")}, {},
                                           [](const std::string&, const std::string&) -> Result<bool> {
                                             return fail(ErrorKind::Forbidden, "cannot get daemonsets");
                                           },
                                           true);
  CHECK_FALSE(lookup_failed);
}

TEST_CASE("drain --dry-run pre-flight: every pod, every blocker with the budget's numbers, no write") {
  MockedCluster cluster;
  node_with_pods(cluster, {ready_pod("web-1"), ready_pod("agent", "DaemonSet"),
                           ready_pod("loner", "", "loner"),
                           with_emptydir(ready_pod("cache-1", "ReplicaSet", "cache")),
                           mirror_pod("etcd-n1")});
  // A Kubernetes 1.20 server: budgets at policy/v1beta1 only.
  cluster.services.fake_discovery().serve_at("poddisruptionbudgets", "v1beta1");
  cluster.api.on("GET", kBudgetsV1beta1, 200,
                 {{"items", {budget("web", app_selector("web"), 0, 1, 1, 1),
                             budget("cache", app_selector("cache"), 1, 2, 1, 2)}}});
  Events events;
  auto outcome = preflight_n1(cluster, {}, events);

  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Refused);
  CHECK(exit_code_for(outcome.error()) == 1);
  const std::string& message = outcome.error().message;
  CHECK(message.find("dry run: the drain of node \"n1\" would not go through") == 0);
  CHECK(message.find("3 pods need flags (--ignore-daemonsets, --force, --delete-emptydir-data)") != std::string::npos);
  CHECK(message.find("1 PodDisruptionBudget blocks evictions (web/web)") != std::string::npos);
  CHECK(message.find("nothing was changed") != std::string::npos);
  CHECK(outcome.error().hint.find("add --ignore-daemonsets --force --delete-emptydir-data") == 0);
  CHECK(outcome.error().hint.find("look at PodDisruptionBudget web/web") != std::string::npos);

  REQUIRE(events.of("preview").size() == 5);
  REQUIRE(events.preview_of("web/web-1"));
  CHECK(events.preview_of("web/web-1")->data["action"] == "evict");
  CHECK(events.preview_of("web/web-1")->message ==
        "pod web/web-1: would be evicted; held by PodDisruptionBudget web/web (0 disruptions allowed)");
  CHECK(events.preview_of("web/agent")->message == "pod web/agent: refused: needs --ignore-daemonsets (then: skip-daemonset)");
  CHECK(events.preview_of("web/loner")->data["needs"] == nlohmann::json{"--force"});
  CHECK(events.preview_of("web/cache-1")->message == "pod web/cache-1: refused: needs --delete-emptydir-data (then: evict)");
  CHECK(events.preview_of("web/etcd-n1")->data["action"] == "skip-mirror");

  const auto blockers = events.of("blocker");
  REQUIRE(blockers.size() == 4);
  CHECK(blockers[0].data["flag"] == "--ignore-daemonsets");
  CHECK(blockers[1].data["pods"] == nlohmann::json{"web/loner"});
  CHECK(blockers[2].message == std::string("blocker: cannot delete ") + drain::kLocalStorageRefusal + ": web/cache-1");
  CHECK(blockers[3].data == nlohmann::json{{"kind", "pdb"}, {"namespace", "web"}, {"name", "web"},
                                           {"disruptionsAllowed", 0}, {"currentHealthy", 1},
                                           {"desiredHealthy", 1}, {"expectedPods", 1},
                                           {"pods", {"web/web-1"}}});
  const auto summary = events.of("preflight");
  REQUIRE(summary.size() == 1);
  CHECK(summary[0].data["would_drain"] == false);
  CHECK(summary[0].data["budgets_checked"] == true);

  // One cluster-wide list call at the version discovery names; nothing written, not even the
  // cordon.
  CHECK(cluster.api.find("GET", "/apis/policy/").size() == 1);
  CHECK(cluster.api.find("GET", kBudgetsV1beta1).size() == 1);
  expect_no_writes(cluster);
}

TEST_CASE("drain --dry-run pre-flight that would go through: exit 0, the outcome lists every pod") {
  MockedCluster cluster;
  node_with_pods(cluster, {ready_pod("web-1"), ready_pod("agent", "DaemonSet"),
                           with_emptydir(ready_pod("loner", "", "loner"))});
  cluster.api.on("GET", kBudgetsV1, 200, {{"items", {budget("web", app_selector("web"), 1)}}});
  Events events;
  DrainOptions options;
  options.ignore_daemonsets = options.delete_emptydir_data = options.force = true;
  auto outcome = preflight_n1(cluster, options, events);
  REQUIRE_MESSAGE(outcome, (outcome ? "" : outcome.error().message));
  CHECK(outcome->evicted == std::vector<std::string>{"web/web-1", "web/loner"});
  CHECK(outcome->skipped == std::vector<std::string>{"web/agent: DaemonSet-managed"});
  CHECK(events.of("blocker").empty());
  CHECK(events.of("preflight").at(0).data["would_drain"] == true);
  CHECK(cluster.api.find("GET", "/apis/policy/").size() == 1);
  expect_no_writes(cluster);
}

TEST_CASE("drain --dry-run on a cluster that serves no budgets: nothing to list, nothing blocks") {
  MockedCluster cluster;
  cluster.services.fake_discovery().serve_at("poddisruptionbudgets", "");
  node_with_pods(cluster, {ready_pod("web-1")});
  Events events;
  auto outcome = preflight_n1(cluster, {}, events);
  REQUIRE(outcome);
  CHECK(outcome->evicted == std::vector<std::string>{"web/web-1"});
  CHECK(cluster.api.find("GET", "/apis/policy/").empty());
  expect_no_writes(cluster);
}

TEST_CASE("drain --dry-run on a cluster without eviction: pods would be deleted, budgets not asked") {
  MockedCluster cluster;
  cluster.services.fake_discovery().eviction_group_version = std::nullopt;
  node_with_pods(cluster, {ready_pod("web-1")});
  Events events;
  auto outcome = preflight_n1(cluster, {}, events);
  REQUIRE(outcome);
  CHECK(outcome->evicted == std::vector<std::string>{"web/web-1"});
  CHECK(events.preview_of("web/web-1")->message ==
        "pod web/web-1: would be deleted (the cluster offers no pods/eviction)");
  CHECK(cluster.api.find("GET", "/apis/policy/").empty());
  expect_no_writes(cluster);
}

TEST_CASE("drain --dry-run says so when the budgets cannot be listed, and still writes nothing") {
  MockedCluster cluster;
  node_with_pods(cluster, {ready_pod("web-1")});
  cluster.api.on("GET", kBudgetsV1, 403,
                 {{"kind", "Status"}, {"code", 403}, {"reason", "Forbidden"},
                  {"message", "poddisruptionbudgets.policy is forbidden"}});
  Events events;
  auto outcome = preflight_n1(cluster, {}, events);
  REQUIRE(outcome);
  const auto warnings = events.of("warning");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].message.find("PodDisruptionBudgets were not checked") != std::string::npos);
  CHECK(events.of("preflight").at(0).data["budgets_checked"] == false);
  expect_no_writes(cluster);
}

TEST_CASE("pre-flight verdict: one pod, two budgets; and budgets alone") {
  const Error both = drain::preflight_refusal("n1", 1, {"--force"}, {"web/a", "db/b"});
  CHECK(both.kind == ErrorKind::Refused);
  CHECK(both.message ==
        "dry run: the drain of node \"n1\" would not go through: 1 pod needs a flag (--force); 2 "
        "PodDisruptionBudgets block evictions (web/a, db/b); nothing was changed");
  CHECK(both.hint ==
        "add --force; look at PodDisruptionBudget web/a (and the others named above): wait until "
        "more of its pods are healthy, add replicas elsewhere, or relax it (`kubectl -n web get pdb "
        "a -o yaml`)");
  const Error budgets_only = drain::preflight_refusal("n1", 0, {}, {"web/a"});
  CHECK(budgets_only.message.find("would not go through: 1 PodDisruptionBudget blocks evictions (web/a);") !=
        std::string::npos);
  CHECK(budgets_only.hint.find("look at PodDisruptionBudget web/a:") == 0);
}
