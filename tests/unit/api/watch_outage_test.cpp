// The outage a watch rides out (core/api/watch_outage.hpp): an API server restart is retried
// through, a server away for longer ends the wait with the last error. Links the api room
// itself, as the limit is not part of the SDK.
#include <doctest/doctest.h>

#include "api/watch_outage.hpp"
#include "fake_api.hpp"

using namespace orka;
using namespace orka::testing;
using trompeloeil::_;

namespace {

WatchTarget pods_named_a() {
  WatchTarget t;
  t.collection_path = orka::ApiPath::group_version("", "v1").in_namespace("web").segment("pods");
  t.field_selector = "metadata.name=a";
  return t;
}

nlohmann::json pod_a_at(const std::string& rv) {
  return {{"metadata", {{"name", "a"}, {"resourceVersion", rv}, {"uid", "a"}}}};
}

}  // namespace

TEST_CASE("transient failures are retried for the outage limit, then end the wait") {
  MockedCluster cluster;
  // A restart: the list fails 3 times, the watch can be opened only after 8 more failures.
  const nlohmann::json empty_list = {{"metadata", {{"resourceVersion", "10"}}},
                                     {"items", nlohmann::json::array()}};
  cluster.api.on_sequence("GET", "/api/v1/namespaces/web/pods?",
                          {Answer{0, "connection refused"}, Answer{503, "starting"},
                           Answer{0, "connection refused"}, Answer{200, empty_list.dump()}});
  WatchLimits limits;
  limits.retry_delay = std::chrono::milliseconds(1);
  int failures_left = 8;
  ALLOW_CALL(*cluster.mock, open_stream(_, _))
      .LR_SIDE_EFFECT(--failures_left)
      .LR_RETURN(failures_left >= 0
                  ? Result<std::unique_ptr<ByteStream>>(fail(ErrorKind::Transport, "connection refused"))
                  : cluster.api.open_stream(_1));
  cluster.api.add_stream({watch_line("DELETED", pod_a_at("11"))});
  auto stop_at_delete = [](const WatchEvent& e) -> Result<WatchAction> {
    return e.type == WatchEvent::Type::Deleted ? WatchAction::Stop : WatchAction::Continue;
  };
  auto survived = list_and_watch_riding_out(*cluster.mock, pods_named_a(), stop_at_delete, limits,
                                            std::chrono::seconds(10), CancelToken{});
  REQUIRE_MESSAGE(survived, (survived ? "" : survived.error().message));
  CHECK(failures_left < 0);

  SUBCASE("an outage longer than the limit ends the wait with the last error") {
    MockedCluster down;
    down.api.on("GET", "/api/v1/namespaces/web/pods?", 0, nlohmann::json("connection refused"));
    const auto started = std::chrono::steady_clock::now();
    auto gave_up = list_and_watch_riding_out(*down.mock, pods_named_a(), stop_at_delete, limits,
                                             std::chrono::milliseconds(100), CancelToken{});
    REQUIRE_FALSE(gave_up);
    CHECK(gave_up.error().kind == ErrorKind::Transport);
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(100));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  }
}

