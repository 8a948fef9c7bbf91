#include <doctest/doctest.h>

#include "drain_filters.hpp"

using namespace orka;
using namespace orka::drain;
using Verdict = orka::drain::PodDecision::Verdict;

namespace {

nlohmann::json pod(const std::string& name, const std::string& owner_kind = "ReplicaSet",
                   const std::string& phase = "Running") {
  nlohmann::json p = {{"metadata", {{"name", name}, {"namespace", "web"}, {"uid", name + "-uid"}}},
                      {"spec", {{"volumes", nlohmann::json::array()}}},
                      {"status", {{"phase", phase}}}};
  if (!owner_kind.empty())
    p["metadata"]["ownerReferences"] = {
        {{"kind", owner_kind}, {"name", owner_kind == "DaemonSet" ? "agent" : "owner"}, {"controller", true}}};
  return p;
}

nlohmann::json with_empty_dir(nlohmann::json p) {
  p["spec"]["volumes"].push_back({{"name", "scratch"}, {"emptyDir", nlohmann::json::object()}});
  return p;
}

DaemonSetExists exists(bool value) {
  return [value](const std::string&, const std::string&) -> Result<bool> { return value; };
}

}  // namespace

TEST_CASE("drain filters: kubectl's rules, flag by flag") {
  struct Row {
    const char* what;
    nlohmann::json pod;
    FilterFlags flags;
    bool daemonset_exists;
    Verdict verdict;
    std::string reason;
    std::string warning;
  };
  FilterFlags none;
  FilterFlags ignore_ds;
  ignore_ds.ignore_daemonsets = true;
  FilterFlags empty_dir;
  empty_dir.delete_emptydir_data = true;
  FilterFlags force;
  force.force = true;
  nlohmann::json mirror = pod("static-web", "Node");
  mirror["metadata"]["annotations"] = {{"kubernetes.io/config.mirror", "abc"}};
  const Row rows[] = {
      {"managed pod", pod("a"), none, true, Verdict::Evict, "", ""},
      {"DaemonSet pod refused", pod("ds", "DaemonSet"), none, true, Verdict::Refuse, kDaemonSetRefusal, ""},
      {"DaemonSet pod ignored", pod("ds", "DaemonSet"), ignore_ds, true, Verdict::Skip, "DaemonSet-managed", kDaemonSetWarning},
      {"finished DaemonSet pod goes", pod("ds", "DaemonSet", "Succeeded"), none, true, Verdict::Evict, "", ""},
      {"orphaned DaemonSet pod refused", pod("ds", "DaemonSet"), ignore_ds, false, Verdict::Refuse, kOrphanedDaemonSetRefusal, ""},
      {"orphaned DaemonSet pod forced", pod("ds", "DaemonSet"), force, false, Verdict::Evict, "", kOrphanedDaemonSetWarning},
      {"mirror pod skipped", mirror, none, true, Verdict::Skip, "mirror pod", ""},
      {"emptyDir refused", with_empty_dir(pod("e")), none, true, Verdict::Refuse, kLocalStorageRefusal, ""},
      {"emptyDir allowed", with_empty_dir(pod("e")), empty_dir, true, Verdict::Evict, "", kLocalStorageWarning},
      {"finished emptyDir pod goes", with_empty_dir(pod("e", "ReplicaSet", "Failed")), none, true, Verdict::Evict, "", ""},
      {"unmanaged refused", pod("u", ""), none, true, Verdict::Refuse, kUnmanagedRefusal, ""},
      {"unmanaged forced", pod("u", ""), force, true, Verdict::Evict, "", kUnmanagedWarning},
      {"finished unmanaged pod goes", pod("u", "", "Succeeded"), none, true, Verdict::Evict, "", ""},
      {"unmanaged emptyDir: local storage is reported first", with_empty_dir(pod("ue", "")), none, true, Verdict::Refuse, kLocalStorageRefusal, ""},
      {"unmanaged emptyDir with only --delete-emptydir-data", with_empty_dir(pod("ue", "")), empty_dir, true, Verdict::Refuse, kUnmanagedRefusal, ""},
  };
  for (const auto& row : rows) {
    CAPTURE(row.what);
    auto decision = classify_pod(row.pod, row.flags, exists(row.daemonset_exists));
    CHECK(decision.verdict == row.verdict);
    CHECK(decision.reason == row.reason);
    CHECK(decision.warning == row.warning);
  }
}

TEST_CASE("drain filters: pods terminating past --skip-wait-for-delete-timeout are skipped") {
  FilterFlags flags;
  flags.skip_wait_for_delete_timeout_seconds = 60;
  nlohmann::json old_pod = pod("old", "");
  old_pod["metadata"]["deletionTimestamp"] = "2026-11-26T10:00:00Z";
  nlohmann::json recent = old_pod;
  // 2026-11-26T10:00:00Z is 1795687200: make `now` 30 s and 120 s after it.
  flags.now = std::chrono::system_clock::from_time_t(1795687200 + 120);
  CHECK(classify_pod(old_pod, flags, exists(true)).verdict == Verdict::Skip);
  flags.now = std::chrono::system_clock::from_time_t(1795687200 + 30);
  // not old enough: the other filters decide (unmanaged → refused)
  CHECK(classify_pod(recent, flags, exists(true)).verdict == Verdict::Refuse);
}

TEST_CASE("plan_drain groups every refusal before anything happens") {
  std::vector<nlohmann::json> pods = {pod("a"), pod("ds1", "DaemonSet"), with_empty_dir(pod("e")),
                                      pod("u1", ""), pod("u2", ""), pod("done", "", "Succeeded")};
  auto plan = plan_drain(pods, FilterFlags{}, exists(true));
  REQUIRE(plan);
  REQUIRE(plan->refusals.size() == 3);
  CHECK(describe_refusals(*plan) ==
        "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): web/ds1\n"
        "cannot delete Pods with local storage (use --delete-emptydir-data to override): web/e\n"
        "cannot delete Pods declare no controller (use --force to override): web/u1, web/u2");
  REQUIRE(plan->to_evict.size() == 2);
  CHECK(pod_key(plan->to_evict[0]) == "web/a");
  CHECK(pod_key(plan->to_evict[1]) == "web/done");

  FilterFlags all;
  all.ignore_daemonsets = all.delete_emptydir_data = all.force = true;
  auto allowed = plan_drain(pods, all, exists(true));
  REQUIRE(allowed);
  CHECK(allowed->refusals.empty());
  CHECK(allowed->to_evict.size() == 5);
  CHECK(allowed->skipped == std::vector<std::string>{"web/ds1: DaemonSet-managed"});
  CHECK(allowed->warnings.size() == 3);
}

TEST_CASE("plan_drain reports a DaemonSet lookup failure") {
  DaemonSetExists broken = [](const std::string&, const std::string&) -> Result<bool> {
    return fail(ErrorKind::Forbidden, "daemonsets.apps \"agent\" is forbidden");
  };
  auto plan = plan_drain({pod("ds", "DaemonSet")}, FilterFlags{}, broken);
  REQUIRE_FALSE(plan);
  CHECK(plan.error().kind == ErrorKind::Forbidden);
}

TEST_CASE("label selectors as PodDisruptionBudgets use them") {
  nlohmann::json labels = {{"app", "web"}, {"tier", "front"}};
  CHECK(selector_matches({{"matchLabels", {{"app", "web"}}}}, labels));
  CHECK_FALSE(selector_matches({{"matchLabels", {{"app", "db"}}}}, labels));
  CHECK(selector_matches(nlohmann::json::object(), labels));  // empty: everything
  CHECK_FALSE(selector_matches(nullptr, labels));             // null: nothing
  auto expr = [](const char* key, const char* op, std::vector<std::string> values) {
    return nlohmann::json{{"matchExpressions", {{{"key", key}, {"operator", op}, {"values", values}}}}};
  };
  CHECK(selector_matches(expr("tier", "In", {"front", "back"}), labels));
  CHECK_FALSE(selector_matches(expr("tier", "NotIn", {"front"}), labels));
  CHECK(selector_matches(expr("zone", "DoesNotExist", {}), labels));
  CHECK_FALSE(selector_matches(expr("zone", "Exists", {}), labels));
  CHECK_FALSE(selector_matches(expr("app", "Bogus", {}), labels));
}

// Found by tests/fuzz/drain/drain_pods: value() threw on an ownerReference whose controller is
// not a boolean and on a PDB expression whose key or operator is not a string.
TEST_CASE("pods and selectors of other shapes: kubectl's verdicts, no exception") {
  nlohmann::json odd = pod("odd");
  odd["metadata"]["ownerReferences"] = {{{"kind", "ReplicaSet"}, {"controller", "yes"}}, 5};
  FilterFlags flags;
  const PodDecision decision = classify_pod(odd, flags, exists(true));
  CHECK(decision.verdict == Verdict::Refuse);  // no controller: unmanaged
  CHECK(decision.reason == kUnmanagedRefusal);
  nlohmann::json labels = {{"app", "web"}};
  CHECK_FALSE(selector_matches(nlohmann::json::parse(
      R"({"matchExpressions":[{"key":1,"operator":2}]})"), labels));
  CHECK_FALSE(selector_matches(nlohmann::json::parse(R"({"matchExpressions":[7]})"), labels));
}

// Found by tests/fuzz/drain/drain_pods (UBSan): a deletionTimestamp before 1678 is system_clock's
// earliest second, and now minus that overflowed in nanoseconds.
TEST_CASE("a pod deleted at the dawn of time is terminating too long, without overflow") {
  nlohmann::json ancient = pod("ancient");
  ancient["metadata"]["deletionTimestamp"] = "0001-01-01T00:00:00Z";
  FilterFlags flags;
  flags.skip_wait_for_delete_timeout_seconds = 30;
  CHECK(classify_pod(ancient, flags, exists(true)).verdict == Verdict::Skip);
}
