// What a GUI does: create a Host from a kubeconfig, load plugins, call ops typed and by name.
#include <doctest/doctest.h>
#include <doctest/trompeloeil.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mock_client.hpp"
#include "isolated_host.hpp"
#include "orka/contexts.hpp"
#include "orka/host.hpp"
#include "orka/ops.hpp"
#include "orka_hello/hello_op.hpp"
#include "test_paths.hpp"

using orka::testing::MockClient;
using orka::testing::json_response;
using trompeloeil::_;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct EmbeddedHost {
  orka::testing::TempDir dir;
  std::unique_ptr<orka::Host> host;
  std::shared_ptr<MockClient> client = std::make_shared<MockClient>();

  EmbeddedHost() {
    auto options = orka::testing::isolated_host_options(dir.path());
    options.namespace_ = "team-a";
    host = orka::Host::create(options);
    auto loaded = host->load_plugin(orka::testing::fixture("hello"));
    REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().message));
    host->set_client(client);
  }
};

orka::JsonRun run_hello_json(EmbeddedHost& embedded, const nlohmann::json& request) {
  return embedded.host->ops().run_json("hello", request, orka::CancelToken{});
}

std::vector<nlohmann::json> all_events(orka::JsonRun& run) {
  std::vector<nlohmann::json> events;
  for (;;) {
    auto received = run.next();
    if (!received) break;
    events.push_back(*received.value);
  }
  return events;
}

}  // namespace

TEST_CASE("embedding: a third party's typed op, called with its own header, talks through the Client") {
  EmbeddedHost embedded;
  REQUIRE_CALL(*embedded.client, send(_, _))
      .WITH(_1.method == "GET" && _1.path == "/api/v1/namespaces/team-a")
      .RETURN(json_response(200, R"({"kind":"Namespace","metadata":{"uid":"ns-uid-1"}})"));
  orka_hello::HelloRequest request;
  request.name = "Ada";
  request.read_namespace = true;
  auto outcome = embedded.host->ops().run<orka_hello::HelloOp>(request);
  REQUIRE_MESSAGE(outcome.has_value(), (outcome ? "" : outcome.error().message));
  CHECK(outcome->greeting == "hello, Ada! (namespace team-a)");
  CHECK(outcome->namespace_uid == "ns-uid-1");
}

TEST_CASE("embedding: the same op by name with JSON, as a GUI without its header would") {
  EmbeddedHost embedded;
  REQUIRE_CALL(*embedded.client, send(_, _))
      .WITH(_1.method == "GET" && _1.path == "/api/v1/namespaces/prod")
      .RETURN(json_response(200, R"({"kind":"Namespace","metadata":{"uid":"ns-uid-2"}})"));
  auto run = run_hello_json(embedded, {{"name", "Bob"}, {"namespace", "prod"}, {"read_namespace", true}});
  auto events = all_events(run);
  auto result = run.finish();
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
  CHECK((*result)["greeting"] == "hello, Bob! (namespace prod)");
  CHECK((*result)["namespace_uid"] == "ns-uid-2");
  // Its events in order: what it emitted, then the result object (as a command prints them).
  REQUIRE(events.size() == 2);
  CHECK(events[0]["event"] == "greeting");
  CHECK(events[1] == *result);
}

TEST_CASE("embedding: a JSON request with a misspelt or mistyped field is refused, naming it") {
  EmbeddedHost embedded;
  FORBID_CALL(*embedded.client, send(_, _));
  auto misspelt = run_hello_json(embedded, {{"nmae", "Bob"}});
  auto refused = misspelt.finish();
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == orka::ErrorKind::Invalid);
  CHECK(contains(refused.error().message, "unknown field \"nmae\" in the hello request"));
  CHECK(contains(refused.error().hint, "name, namespace, read_namespace"));

  auto mistyped = run_hello_json(embedded, {{"name", 42}});
  auto wrong = mistyped.finish();
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().message == "name must be a string");
  REQUIRE(wrong.error().causes.size() == 1);
  CHECK(wrong.error().causes[0].field == "name");
}

TEST_CASE("embedding: the client's errors come back unchanged") {
  EmbeddedHost embedded;
  REQUIRE_CALL(*embedded.client, send(_, _))
      .RETURN(orka::Result<orka::Response>(std::unexpected(orka::error_from_http(
          404, R"({"kind":"Status","message":"namespaces \"x\" not found"})"))));
  orka_hello::HelloRequest request;
  request.namespace_ = "x";
  request.read_namespace = true;
  auto outcome = embedded.host->ops().run<orka_hello::HelloOp>(request);
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == orka::ErrorKind::NotFound);
}

TEST_CASE("embedding: an exception thrown inside a plugin's op comes back as Internal") {
  EmbeddedHost embedded;
  orka_hello::HelloRequest request;
  request.name = "explode";
  auto outcome = embedded.host->ops().run<orka_hello::HelloOp>(request);
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == orka::ErrorKind::Internal);
  CHECK(contains(outcome.error().message, "hello's op exploded on purpose"));

  auto by_json = run_hello_json(embedded, {{"name", "explode"}});
  auto failed = by_json.finish();
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().kind == orka::ErrorKind::Internal);
}

TEST_CASE("embedding: an exception thrown inside a plugin's command comes back as Internal") {
  EmbeddedHost embedded;
  const auto* hello = embedded.host->find_command("hello");
  REQUIRE(hello != nullptr);
  std::ostringstream out, err;
  orka::CommandContext ctx{embedded.host->services(), embedded.host->ops(), "hello", {"--throw"},
                           out, err, orka::CancelToken{}};
  auto result = hello->run(ctx);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == orka::ErrorKind::Internal);
  CHECK(contains(result.error().message, "hello threw on purpose"));
}

TEST_CASE("embedding: a plugin command runs in-process with the host's services and ops") {
  EmbeddedHost embedded;
  const auto* hello = embedded.host->find_command("hi");
  REQUIRE(hello != nullptr);
  std::ostringstream out, err;
  orka::CommandContext ctx{embedded.host->services(), embedded.host->ops(), "hi", {"Ada"},
                           out, err, orka::CancelToken{}};
  auto result = hello->run(ctx);
  REQUIRE(result.has_value());
  CHECK(*result == 0);
  CHECK(out.str() == "hello, Ada! (namespace team-a)\n");
}

TEST_CASE("the registry lists each op with its version, provider and declaration") {
  EmbeddedHost embedded;
  auto ops = embedded.host->ops().list();
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].name == "hello");
  CHECK(ops[0].version == 1);
  CHECK(ops[0].runs_as_json);
  CHECK(contains(ops[0].provider, "plugin \"hello\""));
  REQUIRE(ops[0].declaration.requirements.size() == 1);
  CHECK(ops[0].declaration.requirements[0].resource == "namespaces");
  CHECK(ops[0].declaration.requirements[0].scope == orka::PermissionScope::Cluster);
}

TEST_CASE("ops nobody provides answer Unsupported, naming what is loaded") {
  EmbeddedHost embedded;
  orka::ScaleRequest scale;
  scale.target = {"", "deploy", "web"};
  scale.replicas = 3;
  auto scaled = embedded.host->ops().run<orka::ScaleOp>(scale);
  REQUIRE_FALSE(scaled.has_value());
  CHECK(scaled.error().kind == orka::ErrorKind::Unsupported);
  CHECK(scaled.error().message == "no plugin provides the scale op");
  CHECK(contains(scaled.error().hint, "loaded ops: hello"));

  auto logs = embedded.host->ops().run<orka::LogsOp>({});
  auto finished = logs.finish();
  REQUIRE_FALSE(finished.has_value());
  CHECK(finished.error().message == "no plugin provides the logs op");

  auto forward = embedded.host->ops().run<orka::ForwardOp>({});
  auto forward_end = forward.finish();
  REQUIRE_FALSE(forward_end.has_value());
  CHECK(forward_end.error().kind == orka::ErrorKind::Unsupported);

  auto by_name = embedded.host->ops().run_json("nonesuch", nlohmann::json::object(), orka::CancelToken{});
  auto none = by_name.finish();
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().message == "no plugin provides the nonesuch op");
}

namespace {
// Version 2 of the hello op: another interface, provided side by side with version 1.
struct HelloOpV2 : orka::TypedOp<orka_hello::HelloRequest, orka::Result<std::string>> {
  static constexpr orka::OpId kId{"hello", 2};
};
}  // namespace

TEST_CASE("an interface version nobody provides is refused, naming the versions loaded") {
  EmbeddedHost embedded;
  auto outcome = embedded.host->ops().run<HelloOpV2>({});
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == orka::ErrorKind::Unsupported);
  CHECK(contains(outcome.error().message, "needs the hello op (version 2)"));
  CHECK(contains(outcome.error().message, "version 1 from plugin \"hello\""));
}

TEST_CASE("host-side commands and ops: conflicts refused, exceptions contained") {
  EmbeddedHost embedded;
  auto& host = *embedded.host;

  orka::CommandSpec clash;
  clash.name = "caps";
  clash.run = [](orka::CommandContext&) -> orka::Result<int> { return 0; };
  auto refused = host.add_command(clash);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == orka::ErrorKind::Conflict);

  orka::CommandSpec nameless;
  nameless.run = clash.run;
  CHECK(host.add_command(nameless).error().kind == orka::ErrorKind::Invalid);

  orka::CommandSpec thrower;
  thrower.name = "thrower";
  thrower.run = [](orka::CommandContext&) -> orka::Result<int> { throw std::logic_error("boom"); };
  REQUIRE(host.add_command(thrower).has_value());
  std::ostringstream out, err;
  orka::CommandContext ctx{host.services(), host.ops(), "thrower", {}, out, err, orka::CancelToken{}};
  auto result = host.find_command("thrower")->run(ctx);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == orka::ErrorKind::Internal);
  CHECK(contains(result.error().message, "boom"));

  class ThrowingScale final : public orka::ScaleOp {
   public:
    orka::Result<orka::ScaleOutcome> run(const orka::ScaleRequest&) override {
      throw std::runtime_error("scale blew up");
    }
  };
  REQUIRE(host.provide<orka::ScaleOp>(std::make_shared<ThrowingScale>(), {}).has_value());
  orka::ScaleRequest scale;
  scale.target = {"", "deploy", "web"};
  scale.replicas = 1;
  auto scaled = host.ops().run<orka::ScaleOp>(scale);
  REQUIRE_FALSE(scaled.has_value());
  CHECK(scaled.error().kind == orka::ErrorKind::Internal);
  auto twice = host.provide<orka::ScaleOp>(std::make_shared<ThrowingScale>(), {});
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().kind == orka::ErrorKind::Conflict);
  CHECK(contains(twice.error().message, "the scale op (version 1) is already provided by orka itself"));
  CHECK(host.provide<orka::ScaleOp>(std::shared_ptr<ThrowingScale>(), {}).error().kind ==
        orka::ErrorKind::Invalid);  // no implementation
}

TEST_CASE("services: -n wins, the client is the one set, log honours verbosity") {
  std::ostringstream diagnostics;
  orka::HostOptions options;
  options.namespace_ = "ns-1";
  options.verbosity = 1;
  options.diagnostics = &diagnostics;
  options.use_env_plugin_path = false;
  options.use_default_plugin_dir = false;
  auto host = orka::Host::create(options);
  CHECK(host->services().default_namespace().value() == "ns-1");
  CHECK(host->services().verbosity() == 1);
  host->services().log(1, "shown");
  host->services().log(2, "hidden");
  CHECK(diagnostics.str() == "shown\n");

  auto client = std::make_shared<MockClient>();
  host->set_client(client);
  auto got = host->services().client();
  REQUIRE(got.has_value());
  CHECK(got->get() == client.get());
}

TEST_CASE("services: without -n the namespace comes from the client that was set") {
  orka::HostOptions options;
  options.use_env_plugin_path = false;
  options.use_default_plugin_dir = false;
  auto host = orka::Host::create(options);
  auto client = std::make_shared<MockClient>();
  REQUIRE_CALL(*client, default_namespace()).RETURN("from-client");
  host->set_client(client);
  CHECK(host->services().default_namespace().value() == "from-client");
}

TEST_CASE("version and names") {
  CHECK(std::string(orka::version_string()) == ORKA_SDK_VERSION_STRING);
  CHECK(orka::ScaleOp::kId.name == "scale");
  CHECK(orka::ForwardOp::kId.name == "pf");
  CHECK(orka::to_string(orka::ForwardEvent::Type::ConnectionError) == "connection_error");
  CHECK(orka::to_string(orka::LogEvent::Type::StreamFailed) == "stream_failed");
}

TEST_CASE("embedding: the host's contexts — every context of the kubeconfig, and ops per context") {
  orka::testing::TempDir dir;
  const auto kubeconfig = dir.path() / "kubeconfig";
  std::ofstream(kubeconfig) << R"(apiVersion: v1
kind: Config
current-context: a
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:1"}
contexts:
- name: a
  context: {cluster: c, namespace: ns-a}
- name: b
  context: {cluster: c, namespace: ns-b}
)";
  orka::HostOptions options;
  options.kubeconfig = kubeconfig.string();
  options.context = "a,b";
  options.use_env_plugin_path = false;
  options.use_default_plugin_dir = false;
  auto host = orka::Host::create(options);
  REQUIRE(host->load_plugin(orka::testing::fixture("hello")));

  auto* contexts = dynamic_cast<orka::HostContexts*>(&host->services());
  REQUIRE(contexts != nullptr);
  CHECK(contexts->context_option() == std::optional<std::string>("a,b"));
  auto known = contexts->kubeconfig_contexts();
  REQUIRE_MESSAGE(known.has_value(), (known ? "" : known.error().message));
  CHECK(known->names() == std::vector<std::string>{"a", "b"});
  CHECK(known->current_context == "a");

  // Each context's host reads its own context (here: its namespace) and holds the same plugins.
  for (const std::string name : {"a", "b"}) {
    auto ops = contexts->ops_for_context(name);
    REQUIRE_MESSAGE(ops.has_value(), (ops ? "" : ops.error().message));
    auto outcome = (*ops)->run<orka_hello::HelloOp>(orka_hello::HelloRequest{});
    REQUIRE_MESSAGE(outcome.has_value(), (outcome ? "" : outcome.error().message));
    CHECK(outcome->greeting == "hello, world! (namespace ns-" + name + ")");
  }
}
