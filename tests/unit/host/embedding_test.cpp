// What a GUI does: create a Host from a kubeconfig, load plugins, call OrkaOps directly.
#include <doctest/doctest.h>
#include <doctest/trompeloeil.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mock_client.hpp"
#include "orka/host.hpp"
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
    const auto kubeconfig = dir.path() / "kubeconfig";
    std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\nclusters: []\n";
    orka::HostOptions options;
    options.kubeconfig = kubeconfig.string();
    options.namespace_ = "team-a";
    options.use_env_plugin_path = false;
    options.use_default_plugin_dir = false;
    host = orka::Host::create(options);
    auto loaded = host->load_plugin(orka::testing::fixture("hello"));
    REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().message));
    host->set_client(client);
  }
};

}  // namespace

TEST_CASE("embedding: ops().cordon() reaches the hello plugin, which talks through the Client") {
  EmbeddedHost embedded;
  std::string patch_body;
  std::string patch_type;
  {
    trompeloeil::sequence order;
    REQUIRE_CALL(*embedded.client, send(_, _))
        .WITH(_1.method == "GET" && _1.path == "/api/v1/nodes/node-1")
        .IN_SEQUENCE(order)
        .RETURN(json_response(200, R"({"kind":"Node","spec":{}})"));
    REQUIRE_CALL(*embedded.client, send(_, _))
        .WITH(_1.method == "PATCH" && _1.path == "/api/v1/nodes/node-1")
        .IN_SEQUENCE(order)
        .LR_SIDE_EFFECT(patch_body = _1.body; patch_type = _1.content_type)
        .RETURN(json_response(200, R"({"kind":"Node","spec":{"unschedulable":true}})"));

    auto outcome = embedded.host->ops().cordon("node-1", true);
    REQUIRE_MESSAGE(outcome.has_value(), (outcome ? "" : outcome.error().message));
    CHECK(outcome->node == "node-1");
    CHECK(outcome->changed);
  }
  CHECK(patch_type == "application/strategic-merge-patch+json");
  CHECK(nlohmann::json::parse(patch_body) == nlohmann::json{{"spec", {{"unschedulable", true}}}});
}

TEST_CASE("embedding: a node already cordoned is left alone") {
  EmbeddedHost embedded;
  REQUIRE_CALL(*embedded.client, send(_, _))
      .WITH(_1.method == "GET")
      .RETURN(json_response(200, R"({"spec":{"unschedulable":true}})"));
  FORBID_CALL(*embedded.client, send(_, _)).WITH(_1.method == "PATCH");
  auto outcome = embedded.host->ops().cordon("node-2", true);
  REQUIRE(outcome.has_value());
  CHECK_FALSE(outcome->changed);
}

TEST_CASE("embedding: the client's errors come back unchanged") {
  EmbeddedHost embedded;
  REQUIRE_CALL(*embedded.client, send(_, _))
      .RETURN(orka::Result<orka::Response>(std::unexpected(
          orka::error_from_http(404, R"({"kind":"Status","message":"nodes \"x\" not found"})"))));
  auto outcome = embedded.host->ops().cordon("x", true);
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == orka::ErrorKind::NotFound);
}

TEST_CASE("embedding: an exception thrown inside a plugin's op comes back as Internal") {
  EmbeddedHost embedded;
  auto outcome = embedded.host->ops().cordon("explode", true);
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == orka::ErrorKind::Internal);
  CHECK(contains(outcome.error().message, "hello's cordon exploded on purpose"));
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

TEST_CASE("embedding: a plugin command runs in-process with the host's services") {
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

TEST_CASE("ops nobody provides answer Unsupported, pointing at `orka plugins`") {
  EmbeddedHost embedded;
  auto scaled = embedded.host->ops().scale({"", "deploy", "web"}, 3, orka::ScaleMode::Subresource, {});
  REQUIRE_FALSE(scaled.has_value());
  CHECK(scaled.error().kind == orka::ErrorKind::Unsupported);
  CHECK(scaled.error().message == "no plugin provides the scale op");
  CHECK(contains(scaled.error().hint, "orka plugins"));

  auto logs = embedded.host->ops().logs({"", "web-1"}, "", {});
  auto finished = logs.finish();
  REQUIRE_FALSE(finished.has_value());
  CHECK(finished.error().message == "no plugin provides the logs op");

  auto forward = embedded.host->ops().port_forward({"", "", "web-1"}, {}, {});
  auto forward_end = forward.finish();
  REQUIRE_FALSE(forward_end.has_value());
  CHECK(forward_end.error().kind == orka::ErrorKind::Unsupported);
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

  class ThrowingScale final : public orka::OrkaOps {
   public:
    orka::Result<orka::ScaleOutcome> scale(const orka::ObjectRef&, std::int32_t, orka::ScaleMode,
                                           const orka::ScaleOptions&) override {
      throw std::runtime_error("scale blew up");
    }
  };
  REQUIRE(host.provide(orka::OpKind::Scale, std::make_shared<ThrowingScale>()).has_value());
  auto scaled = host.ops().scale({"", "deploy", "web"}, 1, orka::ScaleMode::Subresource, {});
  REQUIRE_FALSE(scaled.has_value());
  CHECK(scaled.error().kind == orka::ErrorKind::Internal);
  CHECK(host.provide(orka::OpKind::Cordon, std::make_shared<ThrowingScale>()).error().kind ==
        orka::ErrorKind::Conflict);  // hello provides cordon
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
  CHECK(orka::to_string(orka::OpKind::PortForward) == "port-forward");
  CHECK(orka::to_string(orka::OpKind::Cordon) == "cordon");
  CHECK(orka::to_string(orka::ForwardEvent::Type::ConnectionError) == "connection_error");
}
