// orka/op_json.hpp: reading an op's JSON request (every problem names its field, a misspelt field
// is refused) and running a one-shot or streaming op as JSON events.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "orka/op_json.hpp"
#include "orka/ops.hpp"

using namespace orka;

namespace {

struct Fields {
  std::string name;
  std::int32_t replicas = 0;
  std::optional<std::int64_t> grace;
  bool wait = false;
  std::vector<std::string> include;
  std::chrono::milliseconds timeout{0};
};

Result<Fields> read(const nlohmann::json& json) {
  Fields fields;
  JsonRequest reader(json, "sample");
  reader.required("name", fields.name)
      .optional("replicas", fields.replicas)
      .optional("grace", fields.grace)
      .optional("wait", fields.wait)
      .optional("include", fields.include)
      .duration("timeout", fields.timeout);
  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return fields;
}

std::string field_of(const Error& error) {
  return error.causes.empty() ? std::string() : error.causes.front().field;
}

}  // namespace

TEST_CASE("JsonRequest: every kind of field, when present") {
  auto fields = read({{"name", "web"}, {"replicas", 3}, {"grace", 0}, {"wait", true},
                      {"include", {"a", "b,c"}}, {"timeout", "90s"}});
  REQUIRE(fields);
  CHECK(fields->name == "web");
  CHECK(fields->replicas == 3);
  CHECK(fields->grace == 0);
  CHECK(fields->wait);
  CHECK(fields->include == std::vector<std::string>{"a", "b,c"});
  CHECK(fields->timeout == std::chrono::seconds(90));

  auto minimal = read({{"name", "web"}, {"timeout", 5}});
  REQUIRE(minimal);
  CHECK_FALSE(minimal->grace);
  CHECK(minimal->timeout == std::chrono::seconds(5));  // a number is seconds
}

TEST_CASE("JsonRequest: each problem is an Invalid error naming its field") {
  struct Case {
    nlohmann::json request;
    std::string field;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {{{"replicas", 1}}, "name", "name is required"},
           {{{"name", 7}}, "name", "name must be a string"},
           {{{"name", "x"}, {"replicas", "3"}}, "replicas", "replicas must be a whole number"},
           {{{"name", "x"}, {"replicas", 5000000000LL}}, "replicas", "replicas is too large"},
           {{{"name", "x"}, {"wait", "yes"}}, "wait", "wait must be true or false"},
           {{{"name", "x"}, {"include", {"a", 1}}}, "include", "include must be an array of strings"},
           {{{"name", "x"}, {"timeout", "soon"}}, "timeout", "timeout must be a duration such as \"90s\" or \"5m\""},
           {{{"name", "x"}, {"timeout", -1}}, "timeout", "timeout must not be negative"},
       }) {
    CAPTURE(c.request.dump());
    auto fields = read(c.request);
    REQUIRE_FALSE(fields);
    CHECK(fields.error().kind == ErrorKind::Invalid);
    CHECK(fields.error().message == c.message);
    CHECK(field_of(fields.error()) == c.field);
  }
}

TEST_CASE("JsonRequest: a field nobody reads is refused, listing the fields there are") {
  auto fields = read({{"name", "web"}, {"replica", 3}});
  REQUIRE_FALSE(fields);
  CHECK(fields.error().message == "unknown field \"replica\" in the sample request");
  CHECK(fields.error().hint == "the fields are: name, replicas, grace, wait, include, timeout");
  auto not_an_object = read(nlohmann::json::array({1, 2}));
  REQUIRE_FALSE(not_an_object);
  CHECK(not_an_object.error().message == "the sample request must be a JSON object");
}

TEST_CASE("JsonRequest: a TYPE/NAME target into an ObjectRef, its namespace left alone") {
  auto target_of = [](const nlohmann::json& json, std::string_view default_type) -> Result<ObjectRef> {
    ObjectRef ref{.namespace_ = "kept", .type = "", .name = ""};
    JsonRequest reader(json, "sample");
    reader.object_ref("target", ref, default_type);
    if (auto done = reader.finish(); !done) return std::unexpected(done.error());
    return ref;
  };
  auto deploy = target_of({{"target", "deployments.apps/web"}}, {});
  REQUIRE(deploy);
  CHECK(deploy->type == "deployments.apps");
  CHECK(deploy->name == "web");
  CHECK(deploy->namespace_ == "kept");
  auto bare = target_of({{"target", "web-0"}}, "pod");
  REQUIRE(bare);
  CHECK(bare->type == "pod");
  CHECK(bare->name == "web-0");

  struct Case {
    nlohmann::json request;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {nlohmann::json::object(), "target is required"},
           {{{"target", 3}}, "target must be a string"},
           {{{"target", "web"}}, "target \"web\" names no type: write TYPE/NAME, e.g. deployment/web"},
           {{{"target", "deploy/a/b"}}, "target \"deploy/a/b\" is not TYPE/NAME, e.g. deployment/web"},
       }) {
    CAPTURE(c.request.dump());
    auto ref = target_of(c.request, {});
    REQUIRE_FALSE(ref);
    CHECK(ref.error().kind == ErrorKind::Invalid);
    CHECK(ref.error().message == c.message);
    CHECK(field_of(ref.error()) == "target");
  }
}

TEST_CASE("a one-shot op as JSON: its progress events, then the result as the last event and the outcome") {
  auto run = run_one_shot_json(CancelToken{}, [](auto& emit) -> Result<nlohmann::json> {
    emit(nlohmann::json{{"event", "waiting"}});
    emit(nlohmann::json{{"event", "waiting"}, {"n", 2}});
    return nlohmann::json{{"event", "result"}, {"ok", true}};
  });
  std::vector<nlohmann::json> events;
  while (auto event = run.next()) events.push_back(*event.value);
  auto result = run.finish();
  REQUIRE(result);
  REQUIRE(events.size() == 3);
  CHECK(events[1]["n"] == 2);
  CHECK(events[2] == *result);

  auto failing = run_one_shot_json(CancelToken{}, [](auto&) -> Result<nlohmann::json> {
    return fail(ErrorKind::Refused, "no");
  });
  CHECK_FALSE(failing.next());  // no result event for a failure
  CHECK(failing.finish().error().kind == ErrorKind::Refused);
}

TEST_CASE("a streaming op as JSON: leading events, items, drops, the outcome; cancel reaches the op") {
  // A producer that pushes three items into a one-slot channel that drops the oldest, then waits
  // to be cancelled.
  auto pushed = std::make_shared<std::atomic<bool>>(false);
  auto source = Stream<int, int>::spawn(1, Overflow::DropOldest, CancelToken{}, [pushed](StreamWriter<int>& out) {
    for (int i = 1; i <= 3; ++i) out.push(i);
    *pushed = true;
    out.cancel().wait_for(std::chrono::seconds(10));
    return Result<int>(out.cancel().cancelled() ? 42 : 0);
  });
  // Nobody reads until it overran the one slot.
  for (int i = 0; i < 1000 && !*pushed; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(pushed->load());
  auto run = stream_as_json(
      std::move(source), [](int i) { return nlohmann::json{{"item", i}}; },
      [](int outcome) { return nlohmann::json{{"outcome", outcome}}; },
      [](std::uint64_t dropped) { return nlohmann::json{{"dropped", dropped}}; },
      std::vector<nlohmann::json>{{{"event", "first"}}});
  std::vector<nlohmann::json> events;
  for (int i = 0; i < 3; ++i) {
    auto event = run.next();
    REQUIRE(event);
    events.push_back(*event.value);
  }
  CHECK(events[0]["event"] == "first");
  CHECK(events[1]["dropped"] == 2);  // 1 and 2 gave way to 3
  CHECK(events[2]["item"] == 3);
  run.cancel();
  auto result = run.finish();
  REQUIRE(result);
  CHECK((*result)["outcome"] == 42);  // the op saw the cancel
}
