// `orka ops caps`: offered/allowed per op, human table and JSON.
#include <doctest/doctest.h>

#include <sstream>

#include "discovery/capabilities.hpp"
#include "discovery/caps_command.hpp"
#include "discovery/discovery_client.hpp"
#include "fake_api.hpp"
#include "mock_client.hpp"

using namespace orka;
using orka::testing::FakeApi;
using orka::testing::MockClient;
using trompeloeil::_;

namespace {

class FakeServices : public Services {
 public:
  explicit FakeServices(FakeApi& api) : client_(std::make_shared<MockClient>()) {
    expectations_.push_back(NAMED_ALLOW_CALL(*client_, send(_, _)).LR_RETURN(api.answer(_1)));
    expectations_.push_back(NAMED_ALLOW_CALL(*client_, server()).RETURN("https://127.0.0.1:6443"));
    discovery_ = core::make_discovery(client_);
  }
  Result<std::shared_ptr<Client>> client() override { return client_; }
  Result<std::shared_ptr<Discovery>> discovery() override { return discovery_; }
  Result<std::string> default_namespace() override { return default_namespace_; }
  int verbosity() const override { return 0; }
  void log(int, std::string_view) override {}

  std::string default_namespace_ = "web";

 private:
  std::shared_ptr<MockClient> client_;
  std::shared_ptr<Discovery> discovery_;
  std::vector<std::unique_ptr<trompeloeil::expectation>> expectations_;
};

// Services over a given client, for tests that script the client themselves.
class ClientServices : public Services {
 public:
  explicit ClientServices(std::shared_ptr<Client> client)
      : client_(std::move(client)), discovery_(core::make_discovery(client_)) {}
  Result<std::shared_ptr<Client>> client() override { return client_; }
  Result<std::shared_ptr<Discovery>> discovery() override { return discovery_; }
  Result<std::string> default_namespace() override { return std::string("web"); }
  int verbosity() const override { return 0; }
  void log(int, std::string_view) override {}

 private:
  std::shared_ptr<Client> client_;
  std::shared_ptr<Discovery> discovery_;
};

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// The table row of `op` and its continuation lines.
std::string rows_of(const std::string& table, const std::string& op) {
  std::istringstream in(table);
  std::string line, out;
  bool inside = false, table_started = false;
  while (std::getline(in, line)) {
    if (line.rfind("OP ", 0) == 0) {
      table_started = true;
      continue;
    }
    if (!table_started) continue;
    if (line.empty()) break;
    if (line.rfind(op + " ", 0) == 0) {
      inside = true;
    } else if (inside && line[0] != ' ') {
      break;
    }
    if (inside) out += line + "\n";
  }
  return out;
}

nlohmann::json op_json(const nlohmann::json& document, const std::string& op) {
  for (const auto& item : document["ops"])
    if (item["op"] == op) return item;
  FAIL("no op " << op);
  return {};
}

int ssar_count(const FakeApi& api, const std::string& resource, const std::string& sub = "") {
  int n = 0;
  for (const auto& a : api.ssar_attributes())
    if (a.value("resource", "") == resource && a.value("subresource", "") == sub) ++n;
  return n;
}

}  // namespace

TEST_CASE("caps: everything offered and allowed, human table") {
  FakeApi api;
  FakeServices services(api);
  std::ostringstream out;
  CancelToken cancel;
  auto code = core::run_caps(services, {}, out, cancel);
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  std::string table = out.str();
  CAPTURE(table);

  CHECK(has(table, "OP"));
  CHECK(has(table, "OFFERED"));
  CHECK(has(table, "ALLOWED"));
  CHECK(has(table, "TRANSPORT"));
  CHECK(has(table, "CHECKED"));
  for (const char* op : {"logs", "exec", "pf", "scale", "rr", "delete", "cordon", "drain"})
    CHECK_MESSAGE(!rows_of(table, op).empty(), op);

  CHECK(has(rows_of(table, "logs"), "get pods/log in namespace \"web\" [allowed]"));
  auto exec = rows_of(table, "exec");
  CHECK(has(exec, "SPDY/3.1"));
  CHECK(has(exec, "create pods/exec in namespace \"web\" [allowed]"));
  CHECK(has(exec, "get pods/exec in namespace \"web\" [allowed]"));
  CHECK(has(rows_of(table, "pf"), "create pods/portforward in namespace \"web\""));
  auto scale = rows_of(table, "scale");
  CHECK(has(scale, "get deployments.apps/scale in namespace \"web\""));
  CHECK(has(scale, "patch deployments.apps/scale in namespace \"web\""));
  CHECK(has(rows_of(table, "rr"), "patch deployments.apps in namespace \"web\""));
  CHECK(has(rows_of(table, "delete"), "delete pods in namespace \"web\""));
  CHECK(has(rows_of(table, "cordon"), "patch nodes (cluster-scoped)"));
  auto drain = rows_of(table, "drain");
  CHECK(has(drain, "patch nodes (cluster-scoped)"));
  CHECK(has(drain, "list pods in all namespaces"));
  CHECK(has(drain, "create pods/eviction in all namespaces"));
  CHECK(has(table, "policy/v1beta1 Eviction"));
  // Any resource with /scale is mentioned for scale.
  CHECK(has(table, "statefulsets.apps"));
  CHECK(has(table, "replicationcontrollers"));
  CHECK(has(table, "foos.example.com"));
  CHECK_FALSE(has(table, "[denied"));
}

TEST_CASE("caps: a denied permission makes its op not allowed, with the reason") {
  FakeApi api;
  api.deny_reason = "RBAC: no rule";
  api.policy = [](const nlohmann::json& a) {
    return !(a.value("verb", "") == "create" && a.value("subresource", "") == "exec");
  };
  FakeServices services(api);
  std::ostringstream out;
  CancelToken cancel;
  REQUIRE(core::run_caps(services, {}, out, cancel).has_value());
  auto exec = rows_of(out.str(), "exec");
  CAPTURE(out.str());
  CHECK(has(exec, "exec     yes      no "));
  CHECK(has(exec, "create pods/exec in namespace \"web\" [denied: RBAC: no rule]"));
  CHECK(has(exec, "get pods/exec in namespace \"web\" [allowed]"));
  CHECK(has(rows_of(out.str(), "logs"), "logs     yes      yes "));
}

TEST_CASE("caps: what the cluster lacks is not offered and not checked") {
  FakeApi api;
  api.remove_core_entry("pods/portforward");
  api.remove_core_entry("pods/eviction");
  FakeServices services(api);
  std::ostringstream out;
  CancelToken cancel;
  REQUIRE(core::run_caps(services, {"--json"}, out, cancel).has_value());
  auto document = nlohmann::json::parse(out.str());

  auto pf = op_json(document, "pf");
  CHECK(pf["offered"] == false);
  CHECK(pf["allowed"].is_null());
  CHECK(has(pf["offered_detail"].get<std::string>(), "pods/portforward"));
  CHECK(pf["checks"][0]["allowed"].is_null());
  CHECK(ssar_count(api, "pods", "portforward") == 0);

  // Without eviction, drain deletes pods and says so.
  auto drain = op_json(document, "drain");
  CHECK(drain["offered"] == true);
  CHECK(drain["eviction"].is_null());
  bool deletes = false;
  for (const auto& check : drain["checks"])
    deletes = deletes || (check["verb"] == "delete" && check["resource"] == "pods" &&
                          check["namespace"] == "" && check["scope"] == "all-namespaces");
  CHECK(deletes);
  CHECK(has(drain["notes"].dump(), "deletes pods instead"));

  std::ostringstream table;
  REQUIRE(core::run_caps(services, {}, table, cancel).has_value());
  CHECK(has(rows_of(table.str(), "pf"), "pf       no       -  "));
  CHECK(has(table.str(), "pf: not offered: the cluster serves no pods/portforward subresource"));
}

TEST_CASE("caps --json: one object per op with the checks made") {
  FakeApi api;
  api.policy = [](const nlohmann::json& a) { return a.value("resource", "") != "nodes"; };
  FakeServices services(api);
  std::ostringstream out;
  CancelToken cancel;
  REQUIRE(core::run_caps(services, {"--json", "-n", "batch-jobs"}, out, cancel).has_value());
  auto document = nlohmann::json::parse(out.str());
  CHECK(document["namespace"] == "batch-jobs");
  CHECK(document["server"] == "https://127.0.0.1:6443");
  REQUIRE(document["ops"].size() == 8);
  std::vector<std::string> order;
  for (const auto& op : document["ops"]) order.push_back(op["op"]);
  CHECK(order == std::vector<std::string>{"logs", "exec", "pf", "scale", "rr", "delete", "cordon",
                                          "drain"});

  auto logs = op_json(document, "logs");
  CHECK(logs["offered"] == true);
  CHECK(logs["allowed"] == true);
  CHECK(logs["transport"].is_null());
  REQUIRE(logs["checks"].size() == 1);
  CHECK(logs["checks"][0]["verb"] == "get");
  CHECK(logs["checks"][0]["resource"] == "pods");
  CHECK(logs["checks"][0]["subresource"] == "log");
  CHECK(logs["checks"][0]["namespace"] == "batch-jobs");
  CHECK(logs["checks"][0]["allowed"] == true);

  CHECK(op_json(document, "exec")["transport"] == "SPDY/3.1");
  CHECK(op_json(document, "exec")["transport_fallbacks"] == nlohmann::json::array({"WebSocket"}));
  CHECK(op_json(document, "pf")["transport"] == "SPDY/3.1");

  auto scale = op_json(document, "scale");
  CHECK(scale["checks"][1]["group"] == "apps");
  CHECK(scale["checks"][1]["subresource"] == "scale");
  auto scalable = scale["scalable"].get<std::vector<std::string>>();
  CHECK(std::find(scalable.begin(), scalable.end(), "deployments.apps") != scalable.end());
  CHECK(std::find(scalable.begin(), scalable.end(), "statefulsets.apps") != scalable.end());
  CHECK(std::find(scalable.begin(), scalable.end(), "replicationcontrollers") != scalable.end());
  CHECK(std::find(scalable.begin(), scalable.end(), "pods") == scalable.end());

  auto cordon = op_json(document, "cordon");
  CHECK(cordon["allowed"] == false);
  CHECK(cordon["checks"][0]["scope"] == "cluster");
  CHECK(cordon["checks"][0]["namespace"] == "");
  CHECK(cordon["checks"][0]["reason"] == api.deny_reason);

  auto drain = op_json(document, "drain");
  CHECK(drain["allowed"] == false);
  CHECK(drain["eviction"] == "policy/v1beta1");
  auto eviction = drain["checks"][2];
  CHECK(eviction["verb"] == "create");
  CHECK(eviction["group"] == "");  // RBAC sees /api/v1/.../pods/x/eviction: the core group
  CHECK(eviction["subresource"] == "eviction");
  CHECK(eviction["scope"] == "all-namespaces");

  // patch nodes is asked once though cordon and drain both need it.
  CHECK(ssar_count(api, "nodes") == 1);
}

TEST_CASE("caps: the namespace comes from -n, else from the services' default") {
  FakeApi api;
  FakeServices services(api);
  services.default_namespace_ = "team-a";
  CancelToken cancel;
  std::ostringstream out;
  REQUIRE(core::run_caps(services, {"--json"}, out, cancel).has_value());
  CHECK(nlohmann::json::parse(out.str())["namespace"] == "team-a");
  for (const auto& a : api.ssar_attributes())
    if (a.contains("namespace")) CHECK(a["namespace"] == "team-a");

  std::ostringstream out2;
  REQUIRE(core::run_caps(services, {"--namespace=team-b", "--json"}, out2, cancel).has_value());
  CHECK(nlohmann::json::parse(out2.str())["namespace"] == "team-b");
}

TEST_CASE("caps: usage errors and help") {
  FakeApi api;
  FakeServices services(api);
  CancelToken cancel;
  std::ostringstream out;

  auto unknown = core::run_caps(services, {"--frobnicate"}, out, cancel);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == ErrorKind::Usage);
  CHECK(exit_code_for(unknown.error()) == 2);
  CHECK(has(unknown.error().message, "frobnicate"));

  auto positional = core::run_caps(services, {"pods"}, out, cancel);
  REQUIRE_FALSE(positional.has_value());
  CHECK(positional.error().kind == ErrorKind::Usage);

  auto missing_value = core::run_caps(services, {"-n"}, out, cancel);
  REQUIRE_FALSE(missing_value.has_value());
  CHECK(missing_value.error().kind == ErrorKind::Usage);

  std::ostringstream help;
  auto shown = core::run_caps(services, {"--help"}, help, cancel);
  REQUIRE(shown.has_value());
  CHECK(*shown == 0);
  CHECK(has(help.str(), "--json"));
  CHECK(has(help.str(), "--namespace"));
  CHECK(api.total() == 0);  // help never touches the cluster
}

TEST_CASE("caps: a failed review is unknown; cancellation stops the command") {
  FakeApi api;
  CancelToken cancel;
  // Discovery comes from the fake API; the reviews (POSTs) fail as configured below.
  auto client = std::make_shared<MockClient>();
  ALLOW_CALL(*client, send(_, _)).WITH(_1.method != "POST").LR_RETURN(api.answer(_1));
  ALLOW_CALL(*client, server()).RETURN("https://127.0.0.1:6443");
  ClientServices services(client);

  SUBCASE("the review endpoint fails") {
    ALLOW_CALL(*client, send(_, _))
        .WITH(_1.method == "POST")
        .RETURN(std::unexpected(error_from_http(404, "404 page not found")));
    std::ostringstream out;
    REQUIRE(core::run_caps(services, {}, out, cancel).has_value());
    CAPTURE(out.str());
    CHECK(has(rows_of(out.str(), "logs"), "logs     yes      unknown"));
    CHECK(has(out.str(), "[unknown: 404 page not found]"));
  }
  SUBCASE("cancelled while reviewing") {
    ALLOW_CALL(*client, send(_, _))
        .WITH(_1.method == "POST")
        .LR_SIDE_EFFECT(cancel.cancel())
        .RETURN(orka::fail(ErrorKind::Cancelled, "cancelled"));
    std::ostringstream out;
    auto result = core::run_caps(services, {}, out, cancel);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ErrorKind::Cancelled);
    CHECK(out.str().empty());
  }
}

TEST_CASE("describe_check wording for each scope") {
  core::CapabilityCheck in_ns;
  in_ns.permission = Permission{"get", "", "pods", "log", "web", ""};
  CHECK(core::describe_check(in_ns) == "get pods/log in namespace \"web\"");
  core::CapabilityCheck all;
  all.permission = Permission{"list", "", "pods", "", "", ""};
  CHECK(core::describe_check(all) == "list pods in all namespaces");
  core::CapabilityCheck cluster;
  cluster.permission = Permission{"patch", "", "nodes", "", "", ""};
  cluster.namespaced = false;
  CHECK(core::describe_check(cluster) == "patch nodes (cluster-scoped)");
}

TEST_CASE("caps: the transport auto picks follows the server version") {
  FakeApi api;
  api.set("/version", R"({"major":"1","minor":"31","gitVersion":"v1.31.0"})");
  FakeServices services(api);
  std::ostringstream out;
  CancelToken cancel;
  REQUIRE(core::run_caps(services, {"--json"}, out, cancel).has_value());
  auto document = nlohmann::json::parse(out.str());
  CHECK(op_json(document, "exec")["transport"] == "WebSocket");
  CHECK(op_json(document, "exec")["transport_fallbacks"] == nlohmann::json::array({"SPDY/3.1"}));
  CHECK(op_json(document, "pf")["transport"] == "SPDY/3.1 over WebSocket");
  CHECK(op_json(document, "pf")["transport_fallbacks"] ==
        nlohmann::json::array({"SPDY/3.1", "WebSocket"}));

  std::ostringstream table;
  REQUIRE(core::run_caps(services, {}, table, cancel).has_value());
  CHECK(has(rows_of(table.str(), "pf"), "SPDY/3.1 over WebSocket"));
  CHECK(has(table.str(), "pf: --transport auto picks SPDY/3.1 over WebSocket: server v1.31.0"));
}

TEST_CASE("caps: an unknown server version still shows a plan, and says why") {
  FakeApi api;
  api.set("/version", "{}");
  FakeServices services(api);
  std::ostringstream out;
  CancelToken cancel;
  REQUIRE(core::run_caps(services, {}, out, cancel).has_value());
  CHECK(has(out.str(), "exec: --transport auto picks WebSocket"));
  CHECK(has(out.str(), "server version unknown (GET /version: no major/minor version"));
}
