#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "drain.hpp"
#include "fake_api.hpp"
#include "send_only_client.hpp"

using namespace orka;
using namespace orka::testing;
using trompeloeil::_;

namespace {

const std::string kNodePath = "/api/v1/nodes/n1";
const std::string kNodePods = "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1";

nlohmann::json pod(const std::string& name, const std::string& owner_kind = "ReplicaSet") {
  nlohmann::json p = {{"metadata", {{"name", name}, {"namespace", "web"}, {"uid", name + "-uid"},
                                    {"labels", {{"app", name}}}}},
                      {"spec", {{"nodeName", "n1"}}},
                      {"status", {{"phase", "Running"}}}};
  if (!owner_kind.empty())
    p["metadata"]["ownerReferences"] = {{{"kind", owner_kind}, {"name", "owner"}, {"controller", true}}};
  return p;
}

nlohmann::json list_of(std::vector<nlohmann::json> items) {
  return {{"kind", "PodList"}, {"metadata", {{"resourceVersion", "100"}}}, {"items", items}};
}

nlohmann::json status(int code, const std::string& reason, const std::string& message) {
  return {{"kind", "Status"}, {"code", code}, {"reason", reason}, {"message", message}};
}

// The API server's answer to an eviction in a namespace being deleted (NamespaceLifecycle).
std::string namespace_terminating(const std::string& pod_name) {
  nlohmann::json answer = status(403, "Forbidden",
                                 "pods \"" + pod_name +
                                     "\" is forbidden: unable to create new content in namespace "
                                     "web because it is being terminated");
  answer["details"] = {{"name", pod_name},
                       {"kind", "pods"},
                       {"causes",
                        {{{"reason", "NamespaceTerminating"},
                          {"message", "namespace web is being terminated"},
                          {"field", "metadata.namespace"}}}}};
  return answer.dump();
}

// The drain's progress events, reported from its worker threads.
struct ProgressLog {
  std::mutex mutex;
  std::vector<ProgressEvent> events;
  ProgressFn recorder() {
    return [this](const ProgressEvent& e) {
      std::lock_guard lock(mutex);
      events.push_back(e);
    };
  }
};

// Drains n1, retrying blocked evictions every 20 ms; the evicted pods, sorted.
DrainOutcome drain_outcome_n1(MockedCluster& cluster, const DrainOptions& options) {
  drain::DrainOps ops(cluster.services);
  ops.pdb_retry_interval = std::chrono::milliseconds(20);
  auto outcome = ops.run(DrainRequest{"n1", options});
  REQUIRE_MESSAGE(outcome, (outcome ? "" : outcome.error().message));
  std::sort(outcome->evicted.begin(), outcome->evicted.end());
  return *outcome;
}

std::vector<std::string> drain_n1(MockedCluster& cluster, const DrainOptions& options) {
  return drain_outcome_n1(cluster, options).evicted;
}

nlohmann::json marked_for_deletion(nlohmann::json pod) {
  pod["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  return pod;
}

// The node's pods: `pods` for the drain's own list, then `after` for the wait's lists.
void cluster_with_pods(MockedCluster& cluster, std::vector<nlohmann::json> pods,
                       std::vector<nlohmann::json> after = {}) {
  cluster.api.on("GET", kNodePath, 200, {{"spec", nlohmann::json::object()}});
  cluster.api.on("PATCH", kNodePath, 200, {{"spec", {{"unschedulable", true}}}});
  cluster.api.on_sequence("GET", kNodePods,
                          {Answer{200, list_of(pods).dump()}, Answer{200, list_of(after).dump()}});
  cluster.api.on("GET", "/apis/apps/v1/namespaces/web/daemonsets/", 200, {{"kind", "DaemonSet"}});
}

}  // namespace

TEST_CASE("eviction body: kind Eviction at the discovered version, UID precondition, grace") {
  auto body = drain::eviction_body("policy/v1beta1", pod("a"), 30);
  CHECK(body == nlohmann::json{{"apiVersion", "policy/v1beta1"},
                               {"kind", "Eviction"},
                               {"metadata", {{"name", "a"}, {"namespace", "web"}}},
                               {"deleteOptions", {{"preconditions", {{"uid", "a-uid"}}},
                                                  {"gracePeriodSeconds", 30}}}});
  CHECK_FALSE(drain::eviction_body("policy/v1", pod("a"), std::nullopt)["deleteOptions"].contains("gracePeriodSeconds"));
}

TEST_CASE("drain refuses with every reason listed, after cordoning, and evicts nothing") {
  MockedCluster cluster;
  cluster_with_pods(cluster, {pod("a"), pod("agent-x", "DaemonSet"), pod("loner", "")});
  drain::DrainOps ops(cluster.services);
  auto outcome = ops.run(DrainRequest{"n1", DrainOptions{}});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Refused);
  const auto& message = outcome.error().message;
  CHECK(message.find("2 pods need a flag") != std::string::npos);
  CHECK(message.find("DaemonSet-managed Pods (use --ignore-daemonsets to ignore): web/agent-x") != std::string::npos);
  CHECK(message.find("declare no controller (use --force to override): web/loner") != std::string::npos);
  CHECK(outcome.error().hint.find("stays cordoned") != std::string::npos);
  CHECK(cluster.api.find("PATCH", kNodePath).size() == 1);
  CHECK(cluster.api.count("POST") == 0);
  CHECK(cluster.api.count("DELETE") == 0);
}

TEST_CASE("drain --dry-run changes nothing and lists what would go") {
  MockedCluster cluster;
  cluster_with_pods(cluster, {pod("a"), pod("agent-x", "DaemonSet")});
  DrainOptions options;
  options.dry_run = true;
  options.ignore_daemonsets = true;
  drain::DrainOps ops(cluster.services);
  auto outcome = ops.run(DrainRequest{"n1", options});
  REQUIRE(outcome);
  CHECK(outcome->evicted == std::vector<std::string>{"web/a"});
  CHECK(outcome->skipped == std::vector<std::string>{"web/agent-x: DaemonSet-managed"});
  CHECK(cluster.api.count("PATCH") == 0);
  CHECK(cluster.api.count("POST") == 0);
}

TEST_CASE("drain evicts in parallel, retries a PDB-blocked pod naming the budget, waits for UIDs") {
  MockedCluster cluster;
  cluster_with_pods(cluster, {pod("a"), pod("b"), pod("agent-x", "DaemonSet")},
                    {pod("b"), pod("agent-x", "DaemonSet")});
  cluster.api.on("POST", "/api/v1/namespaces/web/pods/a/eviction", 201, {{"kind", "Status"}});
  cluster.api.on_sequence("POST", "/api/v1/namespaces/web/pods/b/eviction",
                          {Answer{429, status(429, "TooManyRequests",
                                              "Cannot evict pod as it would violate the pod's disruption budget.").dump()},
                           Answer{201, "{}"}});
  cluster.api.on("GET", "/apis/policy/v1/namespaces/web/poddisruptionbudgets", 200,
                 {{"items",
                   {{{"metadata", {{"name", "b-pdb"}}},
                     {"spec", {{"selector", {{"matchLabels", {{"app", "b"}}}}}}},
                     {"status", {{"disruptionsAllowed", 0}, {"currentHealthy", 1}, {"desiredHealthy", 1}}}},
                    {{"metadata", {{"name", "other"}}},
                     {"spec", {{"selector", {{"matchLabels", {{"app", "zzz"}}}}}}}}}}});
  // The wait: the list shows b still terminating; then its DELETED event arrives.
  cluster.api.add_stream({watch_line("DELETED", pod("b"))});

  ProgressLog progress;
  DrainOptions options;
  options.ignore_daemonsets = true;
  options.grace_period_seconds = 10;
  options.timeout = std::chrono::seconds(10);
  options.progress = progress.recorder();
  CHECK(drain_n1(cluster, options) == std::vector<std::string>{"web/a", "web/b"});
  const auto& events = progress.events;

  auto evictions = cluster.api.find("POST", "/api/v1/namespaces/web/pods/");
  CHECK(evictions.size() == 3);  // a once, b twice
  for (const auto& request : evictions) {
    auto body = nlohmann::json::parse(request.body);
    CHECK(body["kind"] == "Eviction");
    CHECK(body["apiVersion"] == "policy/v1");
    CHECK(body["deleteOptions"]["gracePeriodSeconds"] == 10);
    REQUIRE(request.permission);
    CHECK(request.permission->describe().find("pods/eviction") != std::string::npos);
  }
  bool named_budget = false;
  bool saw_cordon = false;
  bool saw_waiting = false;
  for (const auto& e : events) {
    if (e.phase == "blocked" &&
        e.message.find("PodDisruptionBudget web/b-pdb (disruptions allowed: 0") != std::string::npos)
      named_budget = true;
    if (e.phase == "cordoned") saw_cordon = true;
    if (e.phase == "waiting" && e.message.find("web/b") != std::string::npos) saw_waiting = true;
  }
  CHECK(named_budget);
  CHECK(saw_cordon);
  CHECK(saw_waiting);
  CHECK(events.front().phase == "cordoned");
  CHECK(events.back().phase == "done");
}

TEST_CASE("drain deletes when eviction is disabled or missing; NotFound counts as done") {
  for (bool disable : {true, false}) {
    CAPTURE(disable);
    MockedCluster cluster;
    if (!disable) cluster.services.fake_discovery().eviction_group_version = std::nullopt;
    cluster_with_pods(cluster, {pod("a"), pod("b")});
    cluster.api.on("DELETE", "/api/v1/namespaces/web/pods/a", 200, {{"kind", "Pod"}});
    cluster.api.on("DELETE", "/api/v1/namespaces/web/pods/b", 404, status(404, "NotFound", "gone"));
    DrainOptions options;
    options.disable_eviction = disable;
    drain::DrainOps ops(cluster.services);
    auto outcome = ops.run(DrainRequest{"n1", options});
    REQUIRE(outcome);
    CHECK(outcome->evicted.size() == 2);
    CHECK(cluster.api.count("POST") == 0);
    auto deletes = cluster.api.find("DELETE", "/api/v1/namespaces/web/pods/a");
    REQUIRE(deletes.size() == 1);
    CHECK(nlohmann::json::parse(deletes[0].body)["preconditions"]["uid"] == "a-uid");
  }
}

TEST_CASE("a drain that times out keeps the node cordoned and lists what remains") {
  MockedCluster cluster;
  cluster_with_pods(cluster, {pod("a"), pod("b")}, {pod("a")});
  cluster.api.on("POST", "/api/v1/namespaces/web/pods/a/eviction", 201, {{"kind", "Status"}});
  cluster.api.on("POST", "/api/v1/namespaces/web/pods/b/eviction", 429,
                 status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget."));
  cluster.api.on("GET", "/apis/policy/v1/namespaces/web/poddisruptionbudgets", 403,
                 status(403, "Forbidden", "forbidden"));
  DrainOptions options;
  options.timeout = std::chrono::milliseconds(300);
  drain::DrainOps ops(cluster.services);
  ops.pdb_retry_interval = std::chrono::milliseconds(50);
  // a's wait: the node list keeps showing it; watches end empty until the deadline.
  for (int i = 0; i < 2000; ++i) cluster.api.add_stream({});
  auto outcome = ops.run(DrainRequest{"n1", options});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Timeout);
  const auto& message = outcome.error().message;
  CHECK(message.find("did not finish within") != std::string::npos);
  CHECK(message.find("node/n1 stays cordoned") != std::string::npos);
  CHECK(message.find("web/a: evicted, still terminating") != std::string::npos);
  CHECK(message.find("web/b: blocked by a PodDisruptionBudget") != std::string::npos);
  CHECK(cluster.api.count("DELETE") == 0);
}

TEST_CASE("an eviction cut on the way or answered 5xx is sent again; each pod is reported once") {
  MockedCluster cluster;
  cluster_with_pods(cluster, {pod("a"), pod("b")}, {});
  // a: the answer was lost after the server evicted it; the repeat finds it already gone.
  cluster.api.on_sequence("POST", "/api/v1/namespaces/web/pods/a/eviction",
                          {Answer{0, "POST /api/v1/namespaces/web/pods/a/eviction: connection reset; "
                                     "the request had been sent, so the server may have applied it"},
                           Answer{404, status(404, "NotFound", "pods \"a\" not found").dump()}});
  // b: the API server was restarting.
  cluster.api.on_sequence("POST", "/api/v1/namespaces/web/pods/b/eviction",
                          {Answer{503, status(503, "ServiceUnavailable", "starting").dump()},
                           Answer{500, status(500, "InternalError", "etcd leader changed").dump()},
                           Answer{201, "{}"}});
  cluster.api.add_stream({});
  ProgressLog progress;
  DrainOptions options;
  options.timeout = std::chrono::seconds(20);
  options.progress = progress.recorder();
  const auto outcome = drain_outcome_n1(cluster, options);
  CHECK(outcome.evicted == std::vector<std::string>{"web/a", "web/b"});
  CHECK(cluster.api.find("POST", "/api/v1/namespaces/web/pods/a/eviction").size() == 2);
  CHECK(cluster.api.find("POST", "/api/v1/namespaces/web/pods/b/eviction").size() == 3);
  int retries = 0, failures = 0, done_a = 0, done_b = 0;
  for (const auto& e : progress.events) {
    if (e.phase == "retrying") ++retries;
    if (e.phase == "failed") ++failures;
    if ((e.phase == "evicted" || e.phase == "gone") && e.data["pod"] == "web/a") ++done_a;
    if ((e.phase == "evicted" || e.phase == "gone") && e.data["pod"] == "web/b") ++done_b;
  }
  CHECK(retries == 3);
  CHECK(failures == 0);
  CHECK(done_a == 1);
  CHECK(done_b == 1);
  CHECK(progress.events.back().phase == "done");
}

TEST_CASE("a forbidden eviction fails the drain naming the permission") {
  MockedCluster cluster;
  cluster_with_pods(cluster, {pod("a")});
  cluster.api.on("POST", "/api/v1/namespaces/web/pods/a/eviction", 403,
                 status(403, "Forbidden",
                        "pods \"a\" is forbidden: User \"dev\" cannot create resource "
                        "\"pods/eviction\" in API group \"\" in the namespace \"web\""));
  drain::DrainOps ops(cluster.services);
  auto outcome = ops.run(DrainRequest{"n1", DrainOptions{}});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Forbidden);
  REQUIRE(outcome.error().permission);
  CHECK(outcome.error().permission->verb == "create");
  CHECK(outcome.error().permission->subresource == "eviction");
  CHECK(outcome.error().message.find("web/a: pods \"a\" is forbidden: User \"dev\"") !=
        std::string::npos);
}

TEST_CASE("a pod whose namespace is being deleted is waited for, not reported as a missing permission") {
  MockedCluster cluster;
  cluster_with_pods(cluster, {pod("a"), pod("b")}, {marked_for_deletion(pod("a"))});
  cluster.api.on("POST", "/api/v1/namespaces/web/pods/b/eviction", 201, {{"kind", "Status"}});
  // a: refused while the namespace controller has not reached it yet, then marked for deletion.
  cluster.api.on_sequence("POST", "/api/v1/namespaces/web/pods/a/eviction",
                          {Answer{403, namespace_terminating("a")}});
  cluster.api.on_sequence("GET", "/api/v1/namespaces/web/pods/a",
                          {Answer{200, pod("a").dump()},
                           Answer{200, marked_for_deletion(pod("a")).dump()}});
  // The wait: the list shows a still terminating; then its DELETED event arrives.
  cluster.api.add_stream({watch_line("DELETED", pod("a"))});

  ProgressLog progress;
  DrainOptions options;
  options.timeout = std::chrono::seconds(10);
  options.progress = progress.recorder();
  const DrainOutcome outcome = drain_outcome_n1(cluster, options);
  CHECK(outcome.evicted == std::vector<std::string>{"web/a", "web/b"});
  CHECK(outcome.left_with_namespace == std::vector<std::string>{"web/a"});
  const auto& events = progress.events;
  // Asked twice: once before the pod was marked, once after; then no more evictions.
  CHECK(cluster.api.find("POST", "/api/v1/namespaces/web/pods/a/eviction").size() == 2);
  CHECK(cluster.api.find("GET", "/api/v1/namespaces/web/pods/a").size() == 2);
  bool blocked = false;
  bool terminating = false;
  for (const auto& e : events) {
    CHECK(e.message.find("missing permission") == std::string::npos);
    if (e.phase == "blocked" && e.message.find("namespace \"web\" is being deleted") != std::string::npos)
      blocked = true;
    if (e.phase == "namespace-terminating" && e.message.find("web/a") != std::string::npos &&
        e.message.find("terminating with its namespace") != std::string::npos)
      terminating = true;
  }
  CHECK(blocked);
  CHECK(terminating);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().phase == "done");
  CHECK(events.back().message.find("1 of the pods went with their namespace's deletion") !=
        std::string::npos);
}

TEST_CASE("a pod of a terminating namespace that outlives the timeout is listed as such") {
  MockedCluster cluster;
  cluster_with_pods(cluster, {pod("a")}, {marked_for_deletion(pod("a"))});
  cluster.api.on("POST", "/api/v1/namespaces/web/pods/a/eviction", 403,
                 nlohmann::json::parse(namespace_terminating("a")));
  cluster.api.on("GET", "/api/v1/namespaces/web/pods/a", 200, marked_for_deletion(pod("a")));
  for (int i = 0; i < 2000; ++i) cluster.api.add_stream({});
  DrainOptions options;
  options.timeout = std::chrono::milliseconds(300);
  drain::DrainOps ops(cluster.services);
  auto outcome = ops.run(DrainRequest{"n1", options});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Timeout);
  CHECK_FALSE(outcome.error().permission);
  const auto text = describe(outcome.error());
  CHECK(text.find("missing permission") == std::string::npos);
  CHECK(text.find("web/a: its namespace is being deleted; still terminating") != std::string::npos);
}

namespace {
// The fake API behind a client that lets calls overlap (trompeloeil's mock serialises them).
class ConcurrentClient final : public SendOnlyClient {
 public:
  explicit ConcurrentClient(FakeApi& api) : api_(api) {}
  Result<Response> send(const Request& request, const CancelToken&) override { return api_.send(request); }

 private:
  FakeApi& api_;
};
}  // namespace

TEST_CASE("drain keeps at most --parallel evictions in flight") {
  MockedCluster cluster;  // for its FakeApi and the set-up helper; the drain uses `services` below
  std::vector<nlohmann::json> pods;
  for (int i = 0; i < 12; ++i) pods.push_back(pod("p" + std::to_string(i)));
  cluster_with_pods(cluster, pods, {});
  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};
  cluster.api.on("POST", "/api/v1/namespaces/web/pods/", [&](const Request&) {
    const int now = ++in_flight;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    --in_flight;
    return Answer{201, "{}"};
  });
  FakeServices services(std::make_shared<ConcurrentClient>(cluster.api));
  DrainOptions options;
  options.parallel = 3;
  options.timeout = std::chrono::seconds(10);
  drain::DrainOps ops(services);
  auto outcome = ops.run(DrainRequest{"n1", options});
  REQUIRE_MESSAGE(outcome, (outcome ? "" : outcome.error().message));
  CHECK(outcome->evicted.size() == 12);
  CHECK(cluster.api.find("POST", "/api/v1/namespaces/web/pods/").size() == 12);
  CHECK(most.load() == 3);  // never more, and the pool was used
}

TEST_CASE("a pod a budget holds back does not hold a place in the pool while it waits") {
  MockedCluster cluster;
  cluster_with_pods(cluster, {pod("a"), pod("b"), pod("c")}, {});
  const std::string blocked = status(429, "TooManyRequests",
                                     "Cannot evict pod as it would violate the pod's disruption budget.")
                                  .dump();
  cluster.api.on_sequence("POST", "/api/v1/namespaces/web/pods/a/eviction",
                          {Answer{429, blocked}, Answer{429, blocked}, Answer{201, "{}"}});
  cluster.api.on("POST", "/api/v1/namespaces/web/pods/b/eviction", 201, {{"kind", "Status"}});
  cluster.api.on("POST", "/api/v1/namespaces/web/pods/c/eviction", 201, {{"kind", "Status"}});
  cluster.api.on("GET", "/apis/policy/v1/namespaces/web/poddisruptionbudgets", 200, {{"items", nlohmann::json::array()}});
  DrainOptions options;
  options.parallel = 1;
  options.timeout = std::chrono::seconds(10);
  CHECK(drain_n1(cluster, options) == std::vector<std::string>{"web/a", "web/b", "web/c"});
  std::vector<std::string> order;
  for (const auto& request : cluster.api.find("POST", "/api/v1/namespaces/web/pods/"))
    order.push_back(request.path.substr(std::string("/api/v1/namespaces/web/pods/").size(), 1));
  // With one worker, b and c went while a waited for its budget.
  CHECK(order == std::vector<std::string>{"a", "b", "c", "a", "a"});
}

TEST_CASE("drain's request rules are field errors, checked before any request") {
  MockedCluster cluster;
  drain::DrainOps ops(cluster.services);
  DrainOptions none;
  none.parallel = 0;
  auto refused = ops.run(DrainRequest{"n1", none});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Invalid);
  CHECK(refused.error().message == "parallel must be at least 1");
  CHECK(refused.error().causes.at(0).field == "parallel");
  CHECK(cluster.api.count("GET") == 0);
}
