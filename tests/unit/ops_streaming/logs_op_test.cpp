#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fakes.hpp"
#include "line_filter.hpp"
#include "logs.hpp"
#include "logs_op.hpp"

using namespace orka;
using namespace orka::streaming;
using orka::testing::FakeClient;
using orka::testing::ScriptedByteStream;

namespace {

constexpr const char* kRunningPod = R"({"metadata":{"name":"web-1","uid":"u1"},
  "spec":{"containers":[{"name":"app"}]},
  "status":{"phase":"Running","containerStatuses":[{"name":"app","state":{"running":{}}}]}})";
constexpr const char* kStoppedPod = R"({"metadata":{"name":"web-1","uid":"u1"},
  "spec":{"containers":[{"name":"app"}]},
  "status":{"phase":"Succeeded","containerStatuses":[{"name":"app","state":{"terminated":{}}}]}})";

// One container's log, read the way each stream of the logs op reads it.
Stream<LogEvent> read_log(std::shared_ptr<FakeClient> client, PodRef pod, std::string container,
                          LogOptions options) {
  auto filter = LineFilter::compile(options.include, options.exclude);
  REQUIRE(filter);
  auto shared_filter = std::make_shared<const LineFilter>(std::move(*filter));
  const std::string ns = pod.namespace_.empty() ? "default" : pod.namespace_;
  const auto overflow = options.follow ? Overflow::DropOldest : Overflow::Block;
  return Stream<LogEvent>::spawn(
      options.buffer_lines, overflow, CancelToken(),
      [client, ns, pod, container, options, shared_filter](StreamWriter<LogEvent>& out) {
        return stream_container_log(*client, ns, pod.name, container, options, *shared_filter, out);
      });
}

std::vector<LogChunk> drain(Stream<LogEvent>& stream) {
  std::vector<LogChunk> chunks;
  while (auto r = stream.next()) chunks.push_back(r.value->chunk);
  return chunks;
}

std::vector<std::string> lines_of(const std::vector<LogChunk>& chunks) {
  std::vector<std::string> lines;
  for (const auto& c : chunks) lines.push_back(c.line);
  return lines;
}

}  // namespace

TEST_CASE("log path: always timestamps, options as query, resume replaces tail and since") {
  LogOptions options;
  options.follow = true;
  options.tail_lines = 20;
  options.since_seconds = 60;
  CHECK(log_path("ns", "web-1", "app", options, "") ==
        "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&container=app&follow=true"
        "&tailLines=20&sinceSeconds=60");
  CHECK(log_path("ns", "web-1", "", options, "2024-05-01T10:00:05Z") ==
        "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&follow=true"
        "&sinceTime=2024-05-01T10%3A00%3A05Z");
}

TEST_CASE("a cut followed stream resumes with no duplicate and no missing line") {
  auto client = std::make_shared<FakeClient>();
  // Looked at once the log is open (which instance), after the reset (running: resume), then
  // after the clean end (stopped: done).
  client->json_sequence["/api/v1/namespaces/default/pods/web-1"] = {kRunningPod, kRunningPod, kStoppedPod};
  // First connection: three lines (two share a timestamp), half of a fourth, then a reset.
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:01Z one\n2024-05-01T10:00:02.5Z two\n",
                               "2024-05-01T10:00:02.5Z two-b\n2024-05-01T10:00:03Z thr"},
      /*ends_with_error=*/true));
  // The resumed request (sinceTime=…02Z) repeats both 02.5 lines, then the rest.
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:02.5Z two\n2024-05-01T10:00:02.5Z two-b\n"
                               "2024-05-01T10:00:03Z three\n2024-05-01T10:00:04Z four\n"},
      /*ends_with_error=*/false));
  // The container ended: its log once more from the last line's second, all of it repeats.
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:04Z four\n"}, /*ends_with_error=*/false));
  LogOptions options;
  options.follow = true;
  auto stream = read_log(client, PodRef{"", "web-1"}, "app", options);
  auto chunks = drain(stream);
  REQUIRE(stream.finish());
  CHECK(lines_of(chunks) == std::vector<std::string>{"one", "two", "two-b", "three", "four"});
  REQUIRE(client->stream_paths.size() == 3);
  CHECK(client->stream_paths[2] ==
        "/api/v1/namespaces/default/pods/web-1/log?timestamps=true&container=app&sinceTime=2024-05-01T10%3A00%3A04Z");
  CHECK(client->stream_paths[1].find("sinceTime=2024-05-01T10%3A00%3A02Z") != std::string::npos);
  CHECK(client->stream_paths[1].find("tailLines") == std::string::npos);
  CHECK(chunks[0].pod == "web-1");
  CHECK(chunks[0].container == "app");
  CHECK(chunks[0].timestamp.empty());  // not asked for
}

TEST_CASE("without follow a clean end is the end; a final unterminated line is kept") {
  auto client = std::make_shared<FakeClient>();
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:01Z a\n2024-05-01T10:00:02Z b"}, false));
  LogOptions options;
  options.timestamps = true;
  auto stream = read_log(client, PodRef{"ns", "p"}, "", options);
  auto chunks = drain(stream);
  REQUIRE(stream.finish());
  REQUIRE(chunks.size() == 2);
  CHECK(chunks[1].line == "b");
  CHECK(chunks[0].timestamp == "2024-05-01T10:00:01Z");
  CHECK(client->stream_paths.size() == 1);
}

TEST_CASE("a followed stream of a deleted pod ends without error") {
  auto client = std::make_shared<FakeClient>();  // no pod body: GET answers 404
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:01Z a\n"}, true));
  LogOptions options;
  options.follow = true;
  auto stream = read_log(client, PodRef{"", "web-1"}, "app", options);
  auto chunks = drain(stream);
  CHECK(stream.finish());
  CHECK(lines_of(chunks) == std::vector<std::string>{"a"});
  CHECK(client->stream_paths.size() == 1);
}

TEST_CASE("the first request's error is the stream's outcome") {
  auto client = std::make_shared<FakeClient>();  // no scripted stream: NotFound
  auto stream = read_log(client, PodRef{"", "gone"}, "", LogOptions{});
  CHECK(drain(stream).empty());
  auto outcome = stream.finish();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::NotFound);
}

TEST_CASE("include/exclude apply per line before the channel; limit-bytes cuts the output") {
  auto client = std::make_shared<FakeClient>();
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:01Z ERROR a\n2024-05-01T10:00:01Z INFO b\n"
                               "2024-05-01T10:00:01Z ERROR healthz\n2024-05-01T10:00:01Z ERROR c\n"},
      false));
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:01Z 12345\n2024-05-01T10:00:01Z 67890\n"}, false));
  LogOptions filtered;
  filtered.include = {"ERROR"};
  filtered.exclude = {"healthz"};
  auto stream = read_log(client, PodRef{"", "p"}, "", filtered);
  CHECK(lines_of(drain(stream)) == std::vector<std::string>{"ERROR a", "ERROR c"});
  CHECK(stream.finish());

  LogOptions limited;
  limited.limit_bytes = 8;  // "12345\n" is 6 bytes, then 2 bytes of "67890"
  auto cut = read_log(client, PodRef{"", "p"}, "", limited);
  CHECK(lines_of(drain(cut)) == std::vector<std::string>{"12345", "67"});
  CHECK(cut.finish());
}

TEST_CASE("without follow a slow consumer slows the download and loses nothing") {
  auto client = std::make_shared<FakeClient>();
  std::string body;
  for (int i = 0; i < 100; ++i) body += "2024-05-01T10:00:01Z line " + std::to_string(i) + "\n";
  client->streams.push_back(std::make_unique<ScriptedByteStream>(std::vector<std::string>{body}, false));
  LogOptions options;
  options.buffer_lines = 10;
  auto stream = read_log(client, PodRef{"", "p"}, "", options);
  // Give the producer time to overrun the 10-line queue if it could.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(stream.dropped_total() == 0);
  std::uint64_t dropped = 0;
  std::vector<std::string> lines;
  for (;;) {
    auto r = stream.next();
    dropped += r.dropped_before;
    if (!r) break;
    lines.push_back(r.value->chunk.line);
  }
  CHECK(stream.finish());
  CHECK(lines.size() == 100);
  CHECK(dropped == 0);
  CHECK(lines.front() == "line 0");
  CHECK(lines.back() == "line 99");
}

TEST_CASE("logs op: a pod and a container named cost one request, the log itself") {
  auto client = std::make_shared<FakeClient>();
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:01Z a\n"}, false));
  LogsOps op([client] { return Result<std::shared_ptr<Client>>(client); });
  LogsRequest request;
  request.namespace_ = "ns";
  request.target = "web-1";
  request.container = "app";
  auto stream = op.run(request);
  std::vector<std::string> lines;
  while (auto event = stream.next())
    if (event.value->type == LogEvent::Type::Line) lines.push_back(event.value->chunk.line);
  REQUIRE(stream.finish());
  CHECK(lines == std::vector<std::string>{"a"});
  CHECK(client->requests.empty());  // no GET of the pod
  REQUIRE(client->stream_paths.size() == 1);
  CHECK(client->stream_paths[0] == "/api/v1/namespaces/ns/pods/web-1/log?timestamps=true&container=app");
}

TEST_CASE("structured rules apply before the channel: lines they drop never count as dropped") {
  // One read of 2000 lines, 1 of them matching, into a 1-line channel that drops its oldest.
  std::string body;
  for (int i = 0; i < 2000; ++i)
    body += "2024-05-01T10:00:01Z {\"level\":\"" + std::string(i == 1500 ? "error" : "info") +
            "\",\"n\":" + std::to_string(i) + "}\n";
  auto read_tiny = [&](const LineFilter& filter) {
    auto client = std::make_shared<FakeClient>();
    client->streams.push_back(std::make_unique<ScriptedByteStream>(std::vector<std::string>{body}, false));
    return Stream<LogEvent>::spawn(1, Overflow::DropOldest, CancelToken(),
                                   [client, &filter](StreamWriter<LogEvent>& out) {
                                     return stream_container_log(*client, "ns", "p", "", LogOptions{},
                                                                 filter, out);
                                   });
  };
  auto filter = LineFilter::compile({}, {});
  REQUIRE(filter);
  auto rules = StructuredLines::compile(StructuredLogOptions{{"level=error"}, "n={{.n}}"});
  REQUIRE(rules);
  filter->set_structured(std::make_shared<const StructuredLines>(std::move(*rules)));
  // push_all queues a read's lines under one lock: a read of many lines into a 1-line channel
  // drops all but the last, however fast the consumer is.
  auto drained = [](Stream<LogEvent>& stream) {
    std::pair<std::vector<std::string>, std::uint64_t> seen{{}, 0};
    for (;;) {
      auto r = stream.next();
      seen.second += r.dropped_before;
      if (!r) break;
      seen.first.push_back(r.value->chunk.line);
    }
    REQUIRE(stream.finish());
    return seen;
  };
  auto structured = read_tiny(*filter);
  auto [lines, dropped] = drained(structured);
  CHECK(lines == std::vector<std::string>{"n=1500"});
  CHECK(dropped == 0);

  auto everything = LineFilter::compile({}, {});
  REQUIRE(everything);
  auto unfiltered = read_tiny(*everything);
  auto [all_lines, all_dropped] = drained(unfiltered);
  CHECK(all_dropped > 0);  // the same log without the rules overflows the channel
  CHECK(all_lines.size() + all_dropped == 2000);
}

TEST_CASE("logs op: version 2 applies the structured rules, version 1 delivers lines as they are") {
  const std::string log = "2024-05-01T10:00:01Z {\"level\":\"info\",\"msg\":\"up\"}\n"
                          "2024-05-01T10:00:02Z plain text\n"
                          "2024-05-01T10:00:03Z {\"level\":\"error\",\"msg\":\"down\"}\n";
  auto client = std::make_shared<FakeClient>();
  for (int i = 0; i < 3; ++i)
    client->streams.push_back(std::make_unique<ScriptedByteStream>(std::vector<std::string>{log}, false));
  auto logs = std::make_shared<LogsOps>([client] { return Result<std::shared_ptr<Client>>(client); });
  LogsOpsV2 v2(logs);
  LogsRequest base;
  base.namespace_ = "ns";
  base.target = "web-1";
  base.container = "app";
  auto lines_from = [](Stream<LogEvent, LogsOutcome> stream) {
    std::vector<std::string> lines;
    while (auto event = stream.next())
      if (event.value->type == LogEvent::Type::Line) lines.push_back(event.value->chunk.line);
    REQUIRE(stream.finish());
    return lines;
  };
  CHECK(lines_from(logs->run(base)) ==
        std::vector<std::string>{R"({"level":"info","msg":"up"})", "plain text", R"({"level":"error","msg":"down"})"});
  CHECK(lines_from(v2.run(LogsRequestV2{base, {{}, "{{.level}}: {{.msg}}"}})) ==
        std::vector<std::string>{"info: up", "plain text", "error: down"});
  CHECK(lines_from(v2.run(LogsRequestV2{base, {{"level=error"}, {}}})) ==
        std::vector<std::string>{R"({"level":"error","msg":"down"})"});

  // A bad rule is the op's field error, before any request.
  auto bad = v2.run(LogsRequestV2{base, {{"level"}, {}}});
  auto refused = bad.finish();
  REQUIRE_FALSE(refused);
  CHECK(refused.error().causes.at(0).field == "json_fields");
  CHECK(client->stream_paths.size() == 3);
}

// Found comparing with kubectl: a 40,000-byte line came out 62 bytes longer, with the
// timestamps of its 16 KiB parts inside.
TEST_CASE("a line the runtime wrote in parts is printed whole, as the application wrote it") {
  const std::string part(16384, 'x');
  auto client = std::make_shared<FakeClient>();
  client->streams.push_back(std::make_unique<ScriptedByteStream>(
      std::vector<std::string>{"2024-05-01T10:00:01.500000000Z " + part + "2024-05-01T10:00:01.500010000Z " + part,
                               "2024-05-01T10:00:01.500020000Z end\n2024-05-01T10:00:02.000000000Z next\n"},
      false));
  LogOptions options;
  options.timestamps = true;
  auto stream = read_log(client, PodRef{"ns", "p"}, "", options);
  auto chunks = drain(stream);
  REQUIRE(stream.finish());
  REQUIRE(chunks.size() == 2);
  CHECK(chunks[0].line == part + part + "end");
  CHECK(chunks[0].timestamp == "2024-05-01T10:00:01.500000000Z");  // when its first part came
  CHECK(chunks[1].line == "next");
}
