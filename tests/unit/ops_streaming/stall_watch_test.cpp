// A followed log whose connection goes silent while the container's log grows (the kubelet
// rotated the file and keeps reading the old one): the stall watch's probes, their back-off, and
// one stream carried over such a stall without a line lost or doubled.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "fakes.hpp"
#include "line_filter.hpp"
#include "logs.hpp"
#include "stall_watch.hpp"

using namespace orka;
using namespace orka::streaming;
using orka::testing::FakeClient;
using orka::testing::ScriptedByteStream;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Delivers its pieces, then blocks like a followed log the kubelet no longer feeds, until
// close() (which the stall watch or a cancel calls) ends it as a cut connection.
class StuckByteStream final : public ByteStream {
 public:
  explicit StuckByteStream(std::string first) : first_(std::move(first)) {}
  Result<std::size_t> read(char* buffer, std::size_t size) override {
    if (!first_.empty()) {
      const std::size_t n = std::min(size, first_.size());
      std::copy_n(first_.data(), n, buffer);
      first_.erase(0, n);
      return n;
    }
    std::unique_lock lock(mutex_);
    closed_changed_.wait(lock, [this] { return closed_; });
    return fail(ErrorKind::Transport, "connection closed");
  }
  void close() noexcept override {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    closed_changed_.notify_all();
  }

 private:
  std::string first_;
  std::mutex mutex_;
  std::condition_variable closed_changed_;
  bool closed_ = false;
};

std::string pod(const std::string& policy, nlohmann::json state) {
  nlohmann::json status{{"name", "app"}, {"restartCount", 0}, {"containerID", "containerd://a"},
                        {"state", std::move(state)}, {"lastState", nlohmann::json::object()}};
  return nlohmann::json{{"metadata", {{"name", "web-1"}, {"uid", "u1"}}},
                        {"spec", {{"restartPolicy", policy}, {"containers", {{{"name", "app"}}}}}},
                        {"status", {{"phase", "Running"}, {"containerStatuses", {status}}}}}
      .dump();
}

Stream<LogEvent> follow(std::shared_ptr<FakeClient> client, std::shared_ptr<StallWatch> watch) {
  auto filter = LineFilter::compile({}, {});
  REQUIRE(filter);
  auto shared_filter = std::make_shared<const LineFilter>(std::move(*filter));
  RestartFollowing restarts;
  restarts.first_recheck = 1ms;
  restarts.max_recheck = 4ms;
  LogOptions options;
  options.follow = true;
  return Stream<LogEvent>::spawn(100, Overflow::Block, CancelToken(),
                                 [client, options, shared_filter, restarts, watch](StreamWriter<LogEvent>& out) {
                                   return stream_container_log(*client, "ns", "web-1", "app", options,
                                                               *shared_filter, out, restarts, watch.get());
                                 });
}

std::vector<std::string> lines_of(Stream<LogEvent>& stream) {
  std::vector<std::string> lines;
  while (auto received = stream.next())
    if (received.value->type == LogEvent::Type::Line) lines.push_back(received.value->chunk.line);
  return lines;
}

}  // namespace

TEST_CASE("a silent stream is probed at doubling intervals; a probe that finds newer lines ends it") {
  auto watch = std::make_unique<StallWatch>(StallWatch::Timing{20ms, 80ms});
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Clock::time_point> probes;
  bool stalled = false;
  const auto start = Clock::now();
  {
    auto watched = watch->watch(
        [&] {
          std::lock_guard lock(mutex);
          probes.push_back(Clock::now());
          changed.notify_all();
          return probes.size() == 5;  // the fifth probe finds newer lines
        },
        [&] {
          std::lock_guard lock(mutex);
          stalled = true;
          changed.notify_all();
        });
    std::unique_lock lock(mutex);
    REQUIRE(changed.wait_for(lock, 10s, [&] { return stalled; }));
  }
  REQUIRE(probes.size() == 5);
  // Silent from the start: the first probe after 20 ms, then 40, 80, and 80 (the cap) apart.
  CHECK(probes[0] - start >= 20ms);
  CHECK(probes[1] - probes[0] >= 40ms);
  CHECK(probes[2] - probes[1] >= 80ms);
  CHECK(probes[3] - probes[2] >= 80ms);
  CHECK(probes[4] - probes[3] >= 80ms);
}

TEST_CASE("activity starts the probes over; a stream's end waits for its probe under way") {
  StallWatch watch(StallWatch::Timing{20ms, 1000ms});
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> order;
  bool in_probe = false;
  auto watched = std::make_unique<StallWatch::Watched>(watch.watch(
      [&] {
        {
          std::lock_guard lock(mutex);
          in_probe = true;
          changed.notify_all();
        }
        std::this_thread::sleep_for(50ms);  // a slow request
        std::lock_guard lock(mutex);
        order.push_back("probe returned");
        return false;
      },
      [] {}));
  {
    std::unique_lock lock(mutex);
    REQUIRE(changed.wait_for(lock, 10s, [&] { return in_probe; }));
  }
  watched->activity();  // harmless while a probe runs
  watched.reset();      // must wait for the probe: it refers to the stream's state
  std::lock_guard lock(mutex);
  order.push_back("stream ended");
  CHECK(order == std::vector<std::string>{"probe returned", "stream ended"});
}

TEST_CASE("a followed log stuck on a rotated file is resumed: every line once, in order") {
  auto client = std::make_shared<FakeClient>();
  client->json_sequence["/api/v1/namespaces/ns/pods/web-1"] = {
      pod("Never", {{"running", {{"startedAt", "2024-05-01T10:00:00Z"}}}}),  // looked at once open
      pod("Never", {{"running", {{"startedAt", "2024-05-01T10:00:00Z"}}}}),  // after the stall: read on
      pod("Never", {{"terminated", {{"exitCode", 0}}}})};                    // ended for good
  client->streams.push_back(std::make_unique<StuckByteStream>("2024-05-01T10:00:01Z one\n2024-05-01T10:00:02Z two\n"));
  // The probe: the log from the last line's second holds a newer line.
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:02Z two\n2024-05-01T10:00:03Z three\n"}));
  // The resumed follow, from the same second: a repeat, then what the stuck one missed.
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:02Z two\n2024-05-01T10:00:03Z three\n2024-05-01T10:00:04Z four\n"}));
  // The container ended: its rest, nothing new.
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:04Z four\n"}));
  auto watch = std::make_shared<StallWatch>(StallWatch::Timing{20ms, 80ms});
  auto stream = follow(client, watch);
  CHECK(lines_of(stream) == std::vector<std::string>{"one", "two", "three", "four"});
  REQUIRE(stream.finish());
  REQUIRE(client->stream_paths.size() == 4);
  CHECK(client->stream_paths[1] ==
        "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&container=app&sinceTime=2024-05-01T10%3A00%3A02Z");
  CHECK(client->stream_paths[2] ==
        "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&container=app&follow=true"
        "&sinceTime=2024-05-01T10%3A00%3A02Z");
}

TEST_CASE("a quiet container's stream is probed but kept: nothing newer, no reconnect") {
  auto client = std::make_shared<FakeClient>();
  client->json_sequence["/api/v1/namespaces/ns/pods/web-1"] = {
      pod("Always", {{"running", {{"startedAt", "2024-05-01T10:00:00Z"}}}})};
  client->streams.push_back(std::make_unique<StuckByteStream>("2024-05-01T10:00:01Z one\n2024-05-01T10:00:01Z two\n"));
  for (int probe = 0; probe < 2; ++probe)  // the same two lines: nothing newer
    client->streams.push_back(std::make_unique<ScriptedByteStream>(
        std::vector<std::string>{"2024-05-01T10:00:01Z one\n2024-05-01T10:00:01Z two\n"}));
  auto watch = std::make_shared<StallWatch>(StallWatch::Timing{20ms, 40ms});
  auto stream = follow(client, watch);
  for (const char* expected : {"one", "two"}) {
    auto received = stream.next();
    REQUIRE(received.value);
    CHECK(received.value->chunk.line == expected);
  }
  const auto deadline = Clock::now() + 10s;
  while (client->streams_opened() < 3 && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  REQUIRE(client->streams_opened() >= 3);
  stream.cancel();
  while (stream.next()) {
  }
  stream.finish();
  // Both further requests were probes (no follow=true): the stuck-looking stream was kept.
  CHECK(client->stream_paths[1].find("follow=true") == std::string::npos);
  CHECK(client->stream_paths[2].find("follow=true") == std::string::npos);
  CHECK(client->stream_paths.size() <= 4);  // 2 scripted probes; a third finds no stream and fails
}

// What CI once caught: the container ended while its follow was stuck on a rotated file; the
// stall watch closed the stuck connection and the pod then said the container had ended.
TEST_CASE("a stuck follow closed after the container ended: the rest is still read, once") {
  auto client = std::make_shared<FakeClient>();
  client->json_sequence["/api/v1/namespaces/ns/pods/web-1"] = {
      pod("Never", {{"running", {{"startedAt", "2024-05-01T10:00:00Z"}}}}),  // looked at once open
      pod("Never", {{"terminated", {{"exitCode", 0}}}})};                    // after the stall
  client->streams.push_back(std::make_unique<StuckByteStream>("2024-05-01T10:00:01Z one\n2024-05-01T10:00:02Z two\n"));
  client->streams.push_back(std::make_unique<ScriptedByteStream>(  // the probe
      std::vector<std::string>{"2024-05-01T10:00:02Z two\n2024-05-01T10:00:03Z three\n"}));
  client->streams.push_back(std::make_unique<ScriptedByteStream>(  // the ended container's rest
      std::vector<std::string>{"2024-05-01T10:00:02Z two\n2024-05-01T10:00:03Z three\n2024-05-01T10:00:04Z four\n"}));
  auto watch = std::make_shared<StallWatch>(StallWatch::Timing{20ms, 80ms});
  auto stream = follow(client, watch);
  CHECK(lines_of(stream) == std::vector<std::string>{"one", "two", "three", "four"});
  REQUIRE(stream.finish());
  REQUIRE(client->stream_paths.size() == 3);
  CHECK(client->stream_paths[2] ==
        "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&container=app&sinceTime=2024-05-01T10%3A00%3A02Z");
}

// Seen on the test cluster: containerd cut a line where it reopened the rotated log, its first
// part ending the old file (partial), its rest opening the new one as a line of its own.
TEST_CASE("a line split by the rotation that stalled its follow is printed whole, once") {
  auto client = std::make_shared<FakeClient>();
  client->json_sequence["/api/v1/namespaces/ns/pods/web-1"] = {
      pod("Never", {{"running", {{"startedAt", "2024-05-01T10:00:00Z"}}}}),  // looked at once open
      pod("Never", {{"running", {{"startedAt", "2024-05-01T10:00:00Z"}}}}),  // after the stall
      pod("Never", {{"terminated", {{"exitCode", 0}}}})};
  client->streams.push_back(std::make_unique<StuckByteStream>("2024-05-01T10:00:01Z one\n2024-05-01T10:00:02Z hea"));
  client->streams.push_back(std::make_unique<ScriptedByteStream>(  // the probe: the new file
      std::vector<std::string>{"2024-05-01T10:00:02.5Z d\n2024-05-01T10:00:03Z two\n"}));
  client->streams.push_back(std::make_unique<ScriptedByteStream>(  // resumed from 10:00:01
      std::vector<std::string>{"2024-05-01T10:00:02.5Z d\n2024-05-01T10:00:03Z two\n"}));
  client->streams.push_back(std::make_unique<ScriptedByteStream>(  // the end: nothing new
      std::vector<std::string>{"2024-05-01T10:00:03Z two\n"}));
  auto watch = std::make_shared<StallWatch>(StallWatch::Timing{20ms, 80ms});
  auto stream = follow(client, watch);
  CHECK(lines_of(stream) == std::vector<std::string>{"one", "head", "two"});
  REQUIRE(stream.finish());
  CHECK(client->stream_paths.size() == 4);
}

TEST_CASE("an unfinished line on a stuck connection sent again whole is printed once") {
  auto client = std::make_shared<FakeClient>();
  client->json_sequence["/api/v1/namespaces/ns/pods/web-1"] = {
      pod("Never", {{"running", {{"startedAt", "2024-05-01T10:00:00Z"}}}}),
      pod("Never", {{"terminated", {{"exitCode", 0}}}})};
  client->streams.push_back(std::make_unique<StuckByteStream>("2024-05-01T10:00:01Z one\n2024-05-01T10:00:02Z hea"));
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:02Z head\n2024-05-01T10:00:03Z two\n"}));
  client->streams.push_back(std::make_unique<ScriptedByteStream>(  // the end, from 10:00:01
      std::vector<std::string>{"2024-05-01T10:00:01Z one\n2024-05-01T10:00:02Z head\n2024-05-01T10:00:03Z two\n"}));
  auto watch = std::make_shared<StallWatch>(StallWatch::Timing{20ms, 80ms});
  auto stream = follow(client, watch);
  CHECK(lines_of(stream) == std::vector<std::string>{"one", "head", "two"});
  REQUIRE(stream.finish());
}
