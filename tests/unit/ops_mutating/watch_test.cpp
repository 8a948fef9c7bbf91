#include <doctest/doctest.h>

#include "fake_api.hpp"
#include "orka/timestamp.hpp"
#include "orka/wait_gone.hpp"
#include "orka/watch.hpp"

using namespace orka;
using namespace orka::testing;
using trompeloeil::_;

namespace {

nlohmann::json object(const std::string& name, const std::string& rv, const std::string& uid = "") {
  return {{"metadata", {{"name", name}, {"resourceVersion", rv}, {"uid", uid.empty() ? name : uid}}}};
}

nlohmann::json list_at(const std::string& rv, std::vector<nlohmann::json> items) {
  return {{"metadata", {{"resourceVersion", rv}}}, {"items", items}};
}

WatchTarget target() {
  WatchTarget t;
  t.collection_path = orka::ApiPath::group_version("", "v1").in_namespace("web").segment("pods");
  t.field_selector = "metadata.name=a";
  Permission p;
  p.resource = "pods";
  p.namespace_ = "web";
  t.permission = p;
  return t;
}

std::string type_name(WatchEvent::Type type) {
  switch (type) {
    case WatchEvent::Type::Listed: return "listed";
    case WatchEvent::Type::Added: return "added";
    case WatchEvent::Type::Modified: return "modified";
    case WatchEvent::Type::Deleted: return "deleted";
  }
  return "?";
}

}  // namespace

TEST_CASE("list, then watch from the list's resourceVersion until the handler stops") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/namespaces/web/pods?", 200, list_at("10", {object("a", "9")}));
  cluster.api.add_stream({watch_line("MODIFIED", object("a", "11")),
                          watch_line("DELETED", object("a", "12"))});
  std::vector<std::string> seen;
  auto result = list_and_watch(*cluster.mock, target(), [&](const WatchEvent& e) -> Result<WatchAction> {
    seen.push_back(type_name(e.type));
    return e.type == WatchEvent::Type::Deleted ? WatchAction::Stop : WatchAction::Continue;
  }, WatchLimits{}, CancelToken{});
  REQUIRE(result);
  CHECK(seen == std::vector<std::string>{"listed", "modified", "deleted"});
  auto lists = cluster.api.find("GET", "/api/v1/namespaces/web/pods");
  REQUIRE(lists.size() == 1);
  CHECK(lists[0].path == "/api/v1/namespaces/web/pods?fieldSelector=metadata.name%3Da");
  REQUIRE(lists[0].permission);
  CHECK(lists[0].permission->verb == "list");
  auto watches = cluster.api.stream_requests();
  REQUIRE(watches.size() == 1);
  CHECK(watches[0].path ==
        "/api/v1/namespaces/web/pods?fieldSelector=metadata.name%3Da&watch=true&"
        "allowWatchBookmarks=true&resourceVersion=10&timeoutSeconds=240");
  REQUIRE(watches[0].permission);
  CHECK(watches[0].permission->verb == "watch");
}

TEST_CASE("a watch the server ends is resumed from the last version seen (bookmarks too)") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/namespaces/web/pods?", 200, list_at("10", {}));
  cluster.api.add_stream({watch_line("ADDED", object("a", "11")),
                          watch_line("BOOKMARK", {{"metadata", {{"resourceVersion", "15"}}}})});
  cluster.api.add_stream({watch_line("DELETED", object("a", "16"))});
  int events = 0;
  auto result = list_and_watch(*cluster.mock, target(), [&](const WatchEvent& e) -> Result<WatchAction> {
    ++events;
    return e.type == WatchEvent::Type::Deleted ? WatchAction::Stop : WatchAction::Continue;
  }, WatchLimits{}, CancelToken{});
  REQUIRE(result);
  CHECK(events == 3);  // listed, added, deleted (the bookmark is not an event)
  auto watches = cluster.api.stream_requests();
  REQUIRE(watches.size() == 2);
  CHECK(watches[1].path.find("resourceVersion=15") != std::string::npos);
  CHECK(cluster.api.find("GET", "/api/v1/namespaces/web/pods").size() == 1);  // no relist
}

TEST_CASE("410 Gone (as an ERROR event or as the watch's answer) means relist") {
  MockedCluster cluster;
  cluster.api.on_sequence("GET", "/api/v1/namespaces/web/pods?",
                          {Answer{200, list_at("10", {}).dump()}, Answer{200, list_at("50", {}).dump()},
                           Answer{200, list_at("60", {object("a", "60")}).dump()}});
  cluster.api.add_stream({watch_line("ERROR", {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"},
                                              {"message", "too old resource version: 10 (40)"}})});
  // The second watch is refused outright with 410: open_stream fails.
  REQUIRE_CALL(*cluster.mock, open_stream(_, _))
      .WITH(_1.path.find("resourceVersion=50") != std::string::npos)
      .RETURN(fail(error_from_http(410, R"({"kind":"Status","code":410,"reason":"Gone","message":"gone"})")));
  int listed = 0;
  auto result = list_and_watch(*cluster.mock, target(), [&](const WatchEvent& e) -> Result<WatchAction> {
    if (e.type == WatchEvent::Type::Listed) ++listed;
    return e.object.size() == 1 ? WatchAction::Stop : WatchAction::Continue;
  }, WatchLimits{}, CancelToken{});
  REQUIRE(result);
  CHECK(listed == 3);
}

// Found by tests/fuzz/api/watch_events: value() threw on an event whose type is not a string and
// on an ERROR whose code is not a number. Such an event is skipped; the ERROR still reads as the
// Status it is (Expired here: relist).
TEST_CASE("watch events with fields of other types: skipped or read as their Status, no exception") {
  MockedCluster cluster;
  cluster.api.on_sequence("GET", "/api/v1/namespaces/web/pods?",
                          {Answer{200, list_at("10", {}).dump()},
                           Answer{200, list_at("60", {object("a", "60")}).dump()}});
  cluster.api.add_stream({R"({"type":1,"object":{"metadata":{"resourceVersion":["x"]}}})" "\n",
                          watch_line("ERROR", {{"kind", "Status"}, {"code", "410"},
                                               {"reason", "Expired"}, {"message", "too old"}})});
  int listed = 0;
  auto result = list_and_watch(*cluster.mock, target(), [&](const WatchEvent& e) -> Result<WatchAction> {
    if (e.type == WatchEvent::Type::Listed) ++listed;
    return e.object.size() == 1 ? WatchAction::Stop : WatchAction::Continue;
  }, WatchLimits{}, CancelToken{});
  REQUIRE(result);
  CHECK(listed == 2);
}

TEST_CASE("watch errors that cannot be retried end the wait; forbidden names list") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/namespaces/web/pods?", 403,
                 {{"kind", "Status"}, {"code", 403}, {"reason", "Forbidden"},
                  {"message", "pods is forbidden: User \"dev\" cannot list resource \"pods\" in "
                              "API group \"\" in the namespace \"web\""}});
  auto result = list_and_watch(*cluster.mock, target(),
                               [](const WatchEvent&) -> Result<WatchAction> { return WatchAction::Continue; },
                               WatchLimits{}, CancelToken{});
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == ErrorKind::Forbidden);
  REQUIRE(result.error().permission);
  CHECK(result.error().permission->verb == "list");
}

TEST_CASE("the handler's own error ends the wait at once, even one that looks transient") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/namespaces/web/pods?", 200, list_at("10", {object("a", "9")}));
  int calls = 0;
  auto result = list_and_watch(*cluster.mock, target(), [&](const WatchEvent&) -> Result<WatchAction> {
    ++calls;
    return fail(ErrorKind::Timeout, "deployment \"a\" exceeded its progress deadline");
  }, WatchLimits{}, CancelToken{});
  REQUIRE_FALSE(result);
  CHECK(result.error().message == "deployment \"a\" exceeded its progress deadline");
  CHECK(calls == 1);
}

TEST_CASE("the deadline ends a wait with Timeout, cancellation with Cancelled") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/namespaces/web/pods?", 200, list_at("10", {}));
  for (int i = 0; i < 5000; ++i) cluster.api.add_stream({});
  WatchLimits limits;
  limits.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  auto keep_going = [](const WatchEvent&) -> Result<WatchAction> { return WatchAction::Continue; };
  const auto started = std::chrono::steady_clock::now();
  auto timed_out = list_and_watch(*cluster.mock, target(), keep_going, limits, CancelToken{});
  REQUIRE_FALSE(timed_out);
  CHECK(timed_out.error().kind == ErrorKind::Timeout);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));

  CancelToken cancel;
  cancel.cancel();
  auto cancelled = list_and_watch(*cluster.mock, target(), keep_going, WatchLimits{}, cancel);
  REQUIRE_FALSE(cancelled);
  CHECK(cancelled.error().kind == ErrorKind::Cancelled);
}

TEST_CASE("wait_until_gone: by UID, so a same-name replacement does not count") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/namespaces/web/pods?", 200, list_at("10", {object("a", "9", "uid-1")}));
  cluster.api.add_stream({watch_line("DELETED", object("a", "11", "uid-1"))});
  std::vector<std::size_t> remaining;
  auto result = wait_until_gone(*cluster.mock, target(), {"uid-1"},
                                [&](const std::set<std::string>& left) { remaining.push_back(left.size()); },
                                WatchLimits{}, CancelToken{});
  REQUIRE(result);
  CHECK(remaining == std::vector<std::size_t>{1, 0});

  MockedCluster replaced;
  replaced.api.on("GET", "/api/v1/namespaces/web/pods?", 200, list_at("10", {object("a", "9", "uid-2")}));
  auto at_once = wait_until_gone(*replaced.mock, target(), {"uid-1"}, nullptr, WatchLimits{}, CancelToken{});
  REQUIRE(at_once);
  CHECK(replaced.api.stream_requests().empty());
}

TEST_CASE("RFC 3339 timestamps") {
  auto t = parse_rfc3339("2026-11-26T10:00:00Z");
  REQUIRE(t);
  CHECK(format_rfc3339(*t) == "2026-11-26T10:00:00Z");
  CHECK(std::chrono::system_clock::to_time_t(*t) == 1795687200);
  CHECK_FALSE(parse_rfc3339("yesterday"));
  // Found by tests/fuzz/kubeconfig/rfc3339: before 1970, to_time_t rounded a fraction up.
  CHECK(format_rfc3339(*parse_rfc3339("1969-12-31T23:59:59.5Z")) == "1969-12-31T23:59:59Z");
  CHECK(format_rfc3339(*parse_rfc3339("1901-10-01T10:00:00.5-07:30")) == "1901-10-01T17:30:00Z");
}
