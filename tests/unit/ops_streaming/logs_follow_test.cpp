// The logs op as a whole, as a GUI calls it: a workload's pods resolved, each pod's log a stream
// of its own, pods that appear later followed, a deleted pod's stream ended, the stream limit
// enforced, one stream's failure an event while the others go on. The cluster is a fake whose
// pods can be added and deleted while the op runs.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "logs_op.hpp"
#include "orka/client.hpp"

using namespace orka;
using namespace orka::streaming;

namespace {

using namespace std::chrono_literals;

// A deployment "web" (selector app=web) whose pods come and go, each writing two lines and then
// following until it is deleted.
class Cluster final : public Client, public std::enable_shared_from_this<Cluster> {
 public:
  void add_pod(const std::string& name) {
    std::lock_guard lock(mutex_);
    pods_[name] = false;
    order_.push_back(name);
  }
  void delete_pod(const std::string& name) {
    {
      std::lock_guard lock(mutex_);
      pods_.erase(name);
    }
    changed_.notify_all();
  }
  // The log of `name` cannot be opened (a container not started yet, as the server says).
  void refuse_log(const std::string& name) {
    std::lock_guard lock(mutex_);
    refused_.insert(name);
  }

  Result<Response> send(const Request& request, const CancelToken&) override {
    std::lock_guard lock(mutex_);
    if (request.path == "/apis/apps/v1/namespaces/ns/deployments/web")
      return ok(R"({"spec":{"selector":{"matchLabels":{"app":"web"}}}})");
    if (request.path == "/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb") {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& name : order_)
        if (pods_.count(name) != 0) items.push_back(pod(name));
      return ok(nlohmann::json{{"items", items}}.dump());
    }
    const std::string prefix = "/api/v1/namespaces/ns/pods/";
    if (request.path.starts_with(prefix)) {
      const std::string name = request.path.substr(prefix.size());
      if (pods_.count(name) != 0) return ok(pod(name).dump());
    }
    Error error = make_error(ErrorKind::NotFound, "not found: " + request.path);
    error.http_status = 404;
    return fail(std::move(error));
  }

  Result<std::unique_ptr<ByteStream>> open_stream(const Request& request, const CancelToken&) override {
    const std::string prefix = "/api/v1/namespaces/ns/pods/";
    const std::string name = request.path.substr(prefix.size(), request.path.find("/log") - prefix.size());
    std::lock_guard lock(mutex_);
    if (refused_.count(name) != 0) {
      Error error = make_error(ErrorKind::Invalid, "container \"app\" in pod \"" + name + "\" is waiting to start");
      error.http_status = 400;
      return fail(std::move(error));
    }
    if (pods_.count(name) == 0) return fail(ErrorKind::NotFound, "pod " + name + " not found");
    const bool follow = request.path.find("follow=true") != std::string::npos;
    return std::unique_ptr<ByteStream>(std::make_unique<PodLog>(shared_from_this(), name, follow));
  }

  Result<std::unique_ptr<WebSocket>> open_websocket(const UpgradeRequest&, const CancelToken&) override {
    return fail(ErrorKind::Unsupported, "no websockets here");
  }
  std::string default_namespace() const override { return "ns"; }
  std::string server() const override { return "https://127.0.0.1:6443"; }

 private:
  // Two lines, then (following) nothing until the pod is deleted (a clean end) or the reader
  // closes it.
  class PodLog final : public ByteStream {
   public:
    PodLog(std::shared_ptr<Cluster> cluster, std::string pod, bool follow)
        : cluster_(std::move(cluster)), pod_(std::move(pod)), follow_(follow) {}
    Result<std::size_t> read(char* buffer, std::size_t size) override {
      if (!sent_) {
        sent_ = true;
        const std::string lines = "2024-05-01T10:00:01Z " + pod_ + " one\n2024-05-01T10:00:02Z " + pod_ + " two\n";
        const std::size_t n = std::min(size, lines.size());
        std::copy_n(lines.data(), n, buffer);
        return n;
      }
      if (!follow_) return std::size_t{0};
      std::unique_lock lock(cluster_->mutex_);
      cluster_->changed_.wait(lock, [&] { return closed_ || cluster_->pods_.count(pod_) == 0; });
      if (closed_) return fail(ErrorKind::Transport, "closed");
      return std::size_t{0};
    }
    void close() noexcept override {
      {
        std::lock_guard lock(cluster_->mutex_);
        closed_ = true;
      }
      cluster_->changed_.notify_all();
    }

   private:
    std::shared_ptr<Cluster> cluster_;
    std::string pod_;
    bool follow_;
    bool sent_ = false;
    bool closed_ = false;
  };

  static nlohmann::json pod(const std::string& name) {
    return {{"metadata", {{"name", name}, {"uid", "uid-" + name}, {"labels", {{"app", "web"}}}}},
            {"spec", {{"containers", {{{"name", "app"}}}}}},
            {"status",
             {{"phase", "Running"},
              {"containerStatuses", {{{"name", "app"}, {"state", {{"running", nlohmann::json::object()}}}}}}}}};
  }
  static Result<Response> ok(std::string body) {
    Response response;
    response.status = 200;
    response.body = std::move(body);
    return response;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, bool> pods_;
  std::vector<std::string> order_;
  std::set<std::string> refused_;
};

LogsOps make_op(const std::shared_ptr<Cluster>& cluster) {
  LogsOps op([cluster] { return Result<std::shared_ptr<Client>>(cluster); });
  op.pod_poll_interval = 50ms;
  return op;
}

LogsRequest follow_web() {
  LogsRequest request;
  request.namespace_ = "ns";
  request.target = "deploy/web";
  request.log.follow = true;
  return request;
}

// Reads events until `done(events)` holds, the stream ends, or `limit` passes.
template <class Done>
std::vector<LogEvent> read_until(Stream<LogEvent, LogsOutcome>& stream, Done done,
                                 std::chrono::milliseconds limit = 10s) {
  std::vector<LogEvent> events;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done(events) && std::chrono::steady_clock::now() < deadline) {
    auto received = stream.next_for(100ms);
    if (received.status == ReceiveStatus::Closed) break;
    if (received) events.push_back(*received.value);
  }
  return events;
}

bool has(const std::vector<LogEvent>& events, LogEvent::Type type, const std::string& pod,
         const std::string& line = "") {
  for (const auto& event : events)
    if (event.type == type && event.chunk.pod == pod && (line.empty() || event.chunk.line == line))
      return true;
  return false;
}

}  // namespace

TEST_CASE("logs op: a workload's pods followed, a new pod picked up, a deleted pod's stream ended") {
  auto cluster = std::make_shared<Cluster>();
  cluster->add_pod("web-1");
  auto op = make_op(cluster);
  auto stream = op.run(follow_web());

  auto first = read_until(stream, [](const auto& e) { return has(e, LogEvent::Type::Line, "web-1", "web-1 two"); });
  CHECK(has(first, LogEvent::Type::StreamStarted, "web-1"));
  REQUIRE(has(first, LogEvent::Type::Line, "web-1", "web-1 one"));
  // Every initial stream is announced before any line.
  CHECK(first.front().type == LogEvent::Type::StreamStarted);

  cluster->add_pod("web-2");  // a scale-up
  auto later = read_until(stream, [](const auto& e) { return has(e, LogEvent::Type::Line, "web-2", "web-2 two"); });
  CHECK(has(later, LogEvent::Type::StreamStarted, "web-2"));
  // A pod that appears later is read from its first line, not its tail.
  CHECK(has(later, LogEvent::Type::Line, "web-2", "web-2 one"));

  cluster->delete_pod("web-1");
  auto ended = read_until(stream, [](const auto& e) { return has(e, LogEvent::Type::StreamEnded, "web-1"); });
  CHECK(has(ended, LogEvent::Type::StreamEnded, "web-1"));
  CHECK_FALSE(has(ended, LogEvent::Type::StreamFailed, "web-1"));

  stream.cancel();
  auto outcome = stream.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Cancelled);
}

TEST_CASE("logs op: more streams at the start than the limit is refused with the count") {
  auto cluster = std::make_shared<Cluster>();
  cluster->add_pod("web-1");
  cluster->add_pod("web-2");
  cluster->add_pod("web-3");
  auto op = make_op(cluster);
  LogsRequest request = follow_web();
  request.max_streams = 2;
  auto stream = op.run(request);
  auto outcome = stream.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::Refused);
  CHECK(outcome.error().reason == kTooManyLogStreams);
  CHECK(outcome.error().message == "3 log streams match (pods × containers), more than the limit of 2");
}

TEST_CASE("logs op: a pod that appears beyond the limit is reported once, not followed") {
  auto cluster = std::make_shared<Cluster>();
  cluster->add_pod("web-1");
  auto op = make_op(cluster);
  LogsRequest request = follow_web();
  request.max_streams = 1;
  auto stream = op.run(request);
  cluster->add_pod("web-2");
  auto events = read_until(stream, [](const auto& e) { return has(e, LogEvent::Type::NotFollowed, "web-2"); });
  REQUIRE(has(events, LogEvent::Type::NotFollowed, "web-2"));
  // Ten polls later it is still reported only once and never started.
  auto more = read_until(stream, [](const auto&) { return false; }, 500ms);
  int reports = 0;
  for (const auto& event : events) reports += event.type == LogEvent::Type::NotFollowed;
  for (const auto& event : more) reports += event.type == LogEvent::Type::NotFollowed;
  CHECK(reports == 1);
  CHECK_FALSE(has(more, LogEvent::Type::StreamStarted, "web-2"));
  stream.cancel();
  (void)stream.finish();
}

TEST_CASE("logs op: one stream's failure is an event; the others go on; the outcome names it") {
  auto cluster = std::make_shared<Cluster>();
  cluster->add_pod("web-1");
  cluster->add_pod("web-2");
  cluster->refuse_log("web-2");
  auto op = make_op(cluster);
  LogsRequest request;
  request.namespace_ = "ns";
  request.selector = "app=web";
  auto stream = op.run(request);
  auto events = read_until(stream, [](const auto&) { return false; });  // until it ends
  CHECK(has(events, LogEvent::Type::Line, "web-1", "web-1 two"));
  REQUIRE(has(events, LogEvent::Type::StreamFailed, "web-2"));
  auto outcome = stream.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().message == "web-2/app: container \"app\" in pod \"web-2\" is waiting to start");
}

TEST_CASE("logs op: the request's own errors name the field, before any request") {
  auto cluster = std::make_shared<Cluster>();
  auto op = make_op(cluster);
  LogsRequest both;
  both.target = "web-1";
  both.selector = "app=web";
  auto refused = op.run(both).finish();
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Invalid);
  REQUIRE(refused.error().causes.size() == 1);
  CHECK(refused.error().causes[0].field == "selector");

  LogsRequest bad_regex;
  bad_regex.target = "web-1";
  bad_regex.log.include = {"(x"};
  auto regex = op.run(bad_regex).finish();
  REQUIRE_FALSE(regex);
  CHECK(regex.error().causes.at(0).field == "include");
}
