// A followed container that restarts: what the pod's status says about the next instance, and
// one stream read across instances (the marker, each instance whole, nothing lost or doubled,
// the back-off waited out, a container that stops for good ending the stream as before).
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "container_instance.hpp"
#include "fakes.hpp"
#include "line_filter.hpp"
#include "logs.hpp"

using namespace orka;
using namespace orka::streaming;
using orka::testing::FakeClient;
using orka::testing::ScriptedByteStream;
using State = ContainerInstance::State;

namespace {

using namespace std::chrono_literals;

constexpr const char* kPodPath = "/api/v1/namespaces/ns/pods/web-1";

// A pod whose container "app" has restarted `restarts` times and is in `state` (a
// containerStatuses[].state object); `last` is its lastState.
std::string pod(const std::string& policy, std::int64_t restarts, const std::string& id,
                nlohmann::json state, nlohmann::json last = nlohmann::json::object(),
                const std::string& phase = "Running") {
  nlohmann::json status{{"name", "app"}, {"restartCount", restarts}, {"state", std::move(state)},
                        {"lastState", std::move(last)}};
  if (!id.empty()) status["containerID"] = id;
  return nlohmann::json{
      {"metadata", {{"name", "web-1"}, {"uid", "u1"}}},
      {"spec", {{"restartPolicy", policy}, {"containers", {{{"name", "app"}}}}}},
      {"status", {{"phase", phase}, {"containerStatuses", {status}}}}}
      .dump();
}

nlohmann::json running() { return {{"running", {{"startedAt", "2024-05-01T10:00:00Z"}}}}; }
nlohmann::json terminated(int code) { return {{"terminated", {{"exitCode", code}}}}; }
nlohmann::json back_off() {
  return {{"waiting",
           {{"reason", "CrashLoopBackOff"},
            {"message", "back-off 10s restarting failed container=app pod=web-1_ns(u1)"}}}};
}

ContainerInstance status_of(const std::string& pod_json) {
  auto instance = container_instance(nlohmann::json::parse(pod_json), "app");
  REQUIRE(instance);
  return *instance;
}

NextInstance judge(const std::string& followed, const std::string& now) {
  return next_instance(nlohmann::json::parse(now), status_of(followed), status_of(now));
}

struct Read {
  std::vector<LogEvent> events;
  std::vector<std::string> notes;
  Result<void> outcome;
};

// Follows web-1/app to its end (the scripted pod states decide where that is).
Read follow(std::shared_ptr<FakeClient> client, LogOptions options = {}) {
  options.follow = true;
  auto filter = LineFilter::compile({}, {});
  REQUIRE(filter);
  auto shared_filter = std::make_shared<const LineFilter>(std::move(*filter));
  auto notes = std::make_shared<std::vector<std::string>>();
  auto notes_mutex = std::make_shared<std::mutex>();
  RestartFollowing restarts;
  restarts.first_recheck = 1ms;
  restarts.max_recheck = 4ms;
  restarts.note = [notes, notes_mutex](std::string_view line) {
    std::lock_guard lock(*notes_mutex);
    notes->emplace_back(line);
  };
  auto stream = Stream<LogEvent>::spawn(
      100, Overflow::Block, CancelToken(),
      [client, options, shared_filter, restarts](StreamWriter<LogEvent>& out) {
        return stream_container_log(*client, "ns", "web-1", "app", options, *shared_filter, out,
                                    restarts);
      });
  Read read;
  while (auto received = stream.next()) read.events.push_back(*received.value);
  read.outcome = stream.finish();
  std::lock_guard lock(*notes_mutex);
  read.notes = *notes;
  return read;
}

// Lines as they read, a marker as "restart N".
std::vector<std::string> shown(const std::vector<LogEvent>& events) {
  std::vector<std::string> out;
  for (const auto& event : events) {
    if (event.type == LogEvent::Type::Line) out.push_back(event.chunk.line);
    if (event.type == LogEvent::Type::StreamStarted) {
      CHECK(event.chunk.pod == "web-1");
      CHECK(event.chunk.container == "app");
      out.push_back("restart " + std::to_string(event.count));
    }
  }
  return out;
}

std::unique_ptr<ByteStream> body(std::vector<std::string> pieces, bool broken = false) {
  return std::make_unique<ScriptedByteStream>(std::move(pieces), broken);
}

}  // namespace

TEST_CASE("the next instance, judged from the pod's status") {
  const std::string first = pod("Always", 0, "containerd://a", running());
  // Still the same instance: read on.
  CHECK(judge(first, first) == NextInstance::Resume);
  // A new instance, running or already ended, by count or by container ID.
  CHECK(judge(first, pod("Always", 1, "containerd://b", running())) == NextInstance::Started);
  CHECK(judge(first, pod("Always", 1, "containerd://b", terminated(1))) == NextInstance::Started);
  CHECK(judge(first, pod("Always", 0, "containerd://b", running())) == NextInstance::Started);
  // Between instances: the back-off, or ended and not yet restarted.
  CHECK(judge(first, pod("Always", 0, "containerd://a", back_off(), terminated(1))) == NextInstance::Waiting);
  CHECK(judge(first, pod("Always", 0, "containerd://a", terminated(0))) == NextInstance::Waiting);
  CHECK(judge(first, pod("OnFailure", 0, "containerd://a", back_off(), terminated(2))) == NextInstance::Waiting);
  // None comes: Never, OnFailure after a success, a pod that finished.
  CHECK(judge(first, pod("Never", 0, "containerd://a", terminated(1))) == NextInstance::Final);
  CHECK(judge(first, pod("OnFailure", 0, "containerd://a", terminated(0))) == NextInstance::Final);
  CHECK(judge(first, pod("Always", 0, "containerd://a", terminated(1), {}, "Failed")) == NextInstance::Final);
  // A waiting container whose ID is still the old one is no new instance yet.
  CHECK(judge(first, pod("Always", 1, "containerd://a", back_off())) == NextInstance::Waiting);

  const ContainerInstance waiting = status_of(pod("Always", 4, "containerd://a", back_off(), terminated(3)));
  CHECK(waiting.state == State::Waiting);
  CHECK(waiting.restarts == 4);
  CHECK(waiting.waiting_reason == "CrashLoopBackOff");
  CHECK(waiting.last_exit_code == 3);
}

TEST_CASE("a restarted container is followed: marker, the new instance whole, back-off waited") {
  auto client = std::make_shared<FakeClient>();
  client->json_sequence[kPodPath] = {
      pod("OnFailure", 0, "containerd://a", running()),  // looked at once the log is open
      pod("OnFailure", 0, "containerd://a", terminated(1)),  // the kubelet's back-off not yet said
      pod("OnFailure", 0, "containerd://a", back_off(), terminated(1)),
      pod("OnFailure", 0, "containerd://a", back_off(), terminated(1)),
      pod("OnFailure", 1, "containerd://b", running()),
      pod("OnFailure", 1, "containerd://b", terminated(0))};  // succeeded: none follows
  client->streams.push_back(body({"2024-05-01T10:00:01Z 0-one\n2024-05-01T10:00:02Z 0-two\n"}));
  // The ended instance's rest (its previous log from the last line's second): the follow had
  // missed its last line.
  client->streams.push_back(body({"2024-05-01T10:00:02Z 0-two\n2024-05-01T10:00:02Z 0-three\n"}));
  client->streams.push_back(body({"2024-05-01T10:00:13Z 1-one\n", "2024-05-01T10:00:14Z 1-two\n"}));
  client->streams.push_back(body({"2024-05-01T10:00:14Z 1-two\n"}));  // the final one's rest
  LogOptions options;
  options.tail_lines = 1;  // the first instance only
  options.since_seconds = 60;
  auto read = follow(client, options);
  REQUIRE(read.outcome);
  CHECK(shown(read.events) ==
        std::vector<std::string>{"0-one", "0-two", "0-three", "restart 1", "1-one", "1-two"});
  REQUIRE(client->stream_paths.size() == 4);
  CHECK(client->stream_paths[0].find("tailLines=1") != std::string::npos);
  CHECK(client->stream_paths[1] ==
        "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&container=app&previous=true"
        "&sinceTime=2024-05-01T10%3A00%3A02Z");
  // The new instance from its first line: no tail, no since, no resume time.
  CHECK(client->stream_paths[2] == "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&container=app&follow=true");
  CHECK(client->stream_paths[3] ==
        "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&container=app&sinceTime=2024-05-01T10%3A00%3A14Z");
  // What it waits for said once per change (for -v), not at every look.
  REQUIRE(read.notes.size() == 2);
  CHECK(read.notes[0] == "web-1/app: waiting for restart 1 (exited with code 1)");
  CHECK(read.notes[1] ==
        "web-1/app: waiting for restart 1 (CrashLoopBackOff: back-off 10s restarting failed container=app pod=web-1_ns(u1))");
}

TEST_CASE("several restarts: a marker each, with the restart count") {
  auto client = std::make_shared<FakeClient>();
  client->json_sequence[kPodPath] = {
      pod("Always", 2, "containerd://c", running()),
      pod("Always", 3, "containerd://d", running()),
      pod("Always", 3, "containerd://d", back_off(), terminated(1)),
      pod("Always", 4, "containerd://e", terminated(1)),  // ran and ended before it was seen
      pod("Always", 4, "containerd://e", terminated(1), {}, "Failed")};
  // Each instance's follow, then its rest (a repeat of its last line: nothing was missed).
  for (const char* line : {"2024-05-01T10:00:01Z c\n", "2024-05-01T10:00:02Z d\n", "2024-05-01T10:00:03Z e\n"}) {
    client->streams.push_back(body({line}));
    client->streams.push_back(body({line}));
  }
  auto read = follow(client);
  REQUIRE(read.outcome);
  CHECK(shown(read.events) == std::vector<std::string>{"c", "restart 3", "d", "restart 4", "e"});
  CHECK(client->stream_paths.size() == 6);
}

TEST_CASE("a connection cut as the container restarts: the old instance's rest, then the new") {
  auto client = std::make_shared<FakeClient>();
  client->json_sequence[kPodPath] = {
      pod("OnFailure", 0, "containerd://a", running()),
      pod("OnFailure", 1, "containerd://b", running()),
      pod("OnFailure", 1, "containerd://b", terminated(0))};
  // Cut after one line and half of the next.
  client->streams.push_back(body({"2024-05-01T10:00:01Z 0-one\n2024-05-01T10:00:02Z 0-tw"}, /*broken=*/true));
  // The previous instance from the second of the last line: a repeat, then what was missing.
  client->streams.push_back(body({"2024-05-01T10:00:01Z 0-one\n2024-05-01T10:00:02Z 0-two\n"}));
  client->streams.push_back(body({"2024-05-01T10:00:13Z 1-one\n"}));
  client->streams.push_back(body({"2024-05-01T10:00:13Z 1-one\n"}));
  auto read = follow(client);
  REQUIRE(read.outcome);
  CHECK(shown(read.events) == std::vector<std::string>{"0-one", "0-two", "restart 1", "1-one"});
  REQUIRE(client->stream_paths.size() == 4);
  CHECK(client->stream_paths[1] ==
        "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&container=app&previous=true"
        "&sinceTime=2024-05-01T10%3A00%3A01Z");
  CHECK(client->stream_paths[2].find("sinceTime") == std::string::npos);
}

TEST_CASE("a container that stops for good ends the stream as before, no marker") {
  for (const char* policy : {"Never", "OnFailure"}) {
    CAPTURE(policy);
    auto client = std::make_shared<FakeClient>();
    client->json_sequence[kPodPath] = {pod(policy, 0, "containerd://a", running()),
                                       pod(policy, 0, "containerd://a", terminated(0))};
    client->streams.push_back(body({"2024-05-01T10:00:01Z only\n"}));
    client->streams.push_back(body({"2024-05-01T10:00:01Z only\n"}));  // its rest: nothing new
    auto read = follow(client);
    REQUIRE(read.outcome);
    CHECK(shown(read.events) == std::vector<std::string>{"only"});
    REQUIRE(client->stream_paths.size() == 2);
    CHECK(client->stream_paths[1] ==
          "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&container=app&sinceTime=2024-05-01T10%3A00%3A01Z");
    CHECK(read.notes.empty());
  }
}

// The 1.20 kubelet's follow that was reading a file it then rotated away ends cleanly when the
// container ends, with the new file's lines unread: the last read brings them.
TEST_CASE("a followed container that ends: the lines its follow missed are read, then the end") {
  auto client = std::make_shared<FakeClient>();
  client->json_sequence[kPodPath] = {pod("Never", 0, "containerd://a", running()),
                                     pod("Never", 0, "containerd://a", terminated(0), {}, "Succeeded")};
  client->streams.push_back(body({"2024-05-01T10:00:01Z one\n2024-05-01T10:00:02Z two\n"}));
  client->streams.push_back(body({"2024-05-01T10:00:02Z two\n2024-05-01T10:00:02Z three\n",
                                  "2024-05-01T10:00:03Z four\n2024-05-01T10:00:03Z fi"}));
  auto read = follow(client);
  REQUIRE(read.outcome);
  CHECK(shown(read.events) == std::vector<std::string>{"one", "two", "three", "four", "fi"});
  CHECK(client->stream_paths.size() == 2);
}

TEST_CASE("an ended container's last read: a cut is tried again, a failure is the stream's error") {
  SUBCASE("cut once, then whole") {
    auto client = std::make_shared<FakeClient>();
    client->json_sequence[kPodPath] = {pod("Never", 0, "containerd://a", running()),
                                       pod("Never", 0, "containerd://a", terminated(0))};
    client->streams.push_back(body({"2024-05-01T10:00:01Z one\n"}));
    client->streams.push_back(body({"2024-05-01T10:00:01Z one\n2024-05-01T10:00:02Z two\n2024-05-01T10:00:03Z th"},
                                   /*broken=*/true));
    client->streams.push_back(body({"2024-05-01T10:00:02Z two\n2024-05-01T10:00:03Z three\n"}));
    auto read = follow(client);
    REQUIRE(read.outcome);
    CHECK(shown(read.events) == std::vector<std::string>{"one", "two", "three"});
    REQUIRE(client->stream_paths.size() == 3);
    CHECK(client->stream_paths[2].find("sinceTime=2024-05-01T10%3A00%3A02Z") != std::string::npos);
  }
  SUBCASE("cut every time: the stream fails and says which lines may be missing") {
    auto client = std::make_shared<FakeClient>();
    client->json_sequence[kPodPath] = {pod("Never", 0, "containerd://a", running()),
                                       pod("Never", 0, "containerd://a", terminated(0))};
    client->streams.push_back(body({"2024-05-01T10:00:01Z one\n"}));
    for (int cut = 0; cut < 3; ++cut) client->streams.push_back(body({"2024-05-01T10:00:01Z one\n"}, /*broken=*/true));
    auto read = follow(client);
    REQUIRE_FALSE(read.outcome);
    CHECK(read.outcome.error().message ==
          "the end of the log of web-1/app could not be read after its container ended (the lines "
          "after 2024-05-01T10:00:01Z may be missing): the connection broke while reading it");
    CHECK(shown(read.events) == std::vector<std::string>{"one"});
    CHECK(client->stream_paths.size() == 4);
  }
  SUBCASE("the pod went away meanwhile: its log with it, the stream ends as the pod did") {
    auto client = std::make_shared<FakeClient>();
    client->json_sequence[kPodPath] = {pod("Never", 0, "containerd://a", running()),
                                       pod("Never", 0, "containerd://a", terminated(0))};
    client->streams.push_back(body({"2024-05-01T10:00:01Z one\n"}));  // no more: NotFound
    auto read = follow(client);
    REQUIRE(read.outcome);
    CHECK(shown(read.events) == std::vector<std::string>{"one"});
  }
}
