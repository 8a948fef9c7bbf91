// `orka ops caps` over what is loaded: the eight op plugins of the build tree and a third
// party's fixture, each judged by the requirements it declared, against a canned 1.20 API
// (discovery documents and an RBAC policy answering SelfSubjectAccessReviews).
#include <doctest/doctest.h>
#include <doctest/trompeloeil.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "fake_api.hpp"
#include "mock_client.hpp"
#include "orka/host.hpp"
#include "test_paths.hpp"

using namespace orka;
using orka::testing::FakeApi;
using orka::testing::MockClient;
using trompeloeil::_;

namespace {

const std::vector<std::string> kBuiltInOps = {"cordon", "delete", "drain", "exec", "logs", "pf", "rr", "scale"};

// A host with the build tree's op plugins and the hello fixture, over a client answered by
// `api`; -n defaults to "web".
struct LoadedHost {
  explicit LoadedHost(FakeApi& api, std::string namespace_ = "web") {
    client = std::make_shared<MockClient>();
    expectations.push_back(NAMED_ALLOW_CALL(*client, send(_, _)).LR_RETURN(api.answer(_1)));
    expectations.push_back(NAMED_ALLOW_CALL(*client, server()).RETURN("https://127.0.0.1:6443"));
    init(std::move(namespace_));
  }
  // A host over a client the test scripts itself.
  LoadedHost(std::shared_ptr<MockClient> scripted, std::string namespace_) : client(std::move(scripted)) {
    init(std::move(namespace_));
  }

  Result<int> caps(std::vector<std::string> args, std::ostringstream& out,
                   CancelToken cancel = CancelToken{}) {
    std::ostringstream err;
    CommandContext ctx{host->services(), host->ops(), "caps", std::move(args), out, err, cancel};
    return host->find_command("caps")->run(ctx);
  }

  std::shared_ptr<MockClient> client;
  std::vector<std::unique_ptr<trompeloeil::expectation>> expectations;
  std::unique_ptr<Host> host;

 private:
  void init(std::string namespace_) {
    HostOptions options;
    options.namespace_ = std::move(namespace_);
    options.plugin_paths = {orka::testing::build_plugin_dir(), orka::testing::fixture_dir()};
    options.use_env_plugin_path = false;
    options.use_default_plugin_dir = false;
    host = Host::create(options);
    host->load_plugins();
    host->set_client(client);
  }
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

TEST_CASE("caps: every loaded op, third-party ones included, offered and allowed, human table") {
  FakeApi api;
  LoadedHost loaded(api);
  std::ostringstream out;
  auto code = loaded.caps({}, out);
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  std::string table = out.str();
  CAPTURE(table);

  CHECK(has(table, "OP"));
  CHECK(has(table, "OFFERED"));
  CHECK(has(table, "ALLOWED"));
  CHECK(has(table, "TRANSPORT"));
  CHECK(has(table, "CHECKED"));
  for (const auto& op : kBuiltInOps) CHECK_MESSAGE(!rows_of(table, op).empty(), op);

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
  // The third party's op, with the check it declared and its note.
  CHECK(has(rows_of(table, "hello"), "get namespaces (cluster-scoped) [allowed]"));
  CHECK(has(table, "hello: reads the namespace it greets in"));
  CHECK_FALSE(has(table, "[denied"));
}

TEST_CASE("caps: a denied permission makes its op not allowed, with the reason") {
  FakeApi api;
  api.deny_reason = "RBAC: no rule";
  api.policy = [](const nlohmann::json& a) {
    return !(a.value("verb", "") == "create" && a.value("subresource", "") == "exec");
  };
  LoadedHost loaded(api);
  std::ostringstream out;
  REQUIRE(loaded.caps({}, out).has_value());
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
  LoadedHost loaded(api);
  std::ostringstream out;
  REQUIRE(loaded.caps({"--json"}, out).has_value());
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
  CHECK_FALSE(drain["served_as"].contains("pods/eviction"));
  bool deletes = false;
  for (const auto& check : drain["checks"])
    deletes = deletes || (check["verb"] == "delete" && check["resource"] == "pods" &&
                          check["namespace"] == "" && check["scope"] == "all-namespaces");
  CHECK(deletes);
  CHECK(has(drain["notes"].dump(), "deletes pods instead"));

  std::ostringstream table;
  REQUIRE(loaded.caps({}, table).has_value());
  CHECK(has(rows_of(table.str(), "pf"), "pf       no       -  "));
  CHECK(has(table.str(), "pf: not offered: the cluster serves no pods/portforward subresource"));
}

TEST_CASE("caps --json: one object per op with the checks made, the version and provider") {
  FakeApi api;
  api.policy = [](const nlohmann::json& a) { return a.value("resource", "") != "nodes"; };
  LoadedHost loaded(api);
  std::ostringstream out;
  REQUIRE(loaded.caps({"--json", "-n", "batch-jobs"}, out).has_value());
  auto document = nlohmann::json::parse(out.str());
  CHECK(document["namespace"] == "batch-jobs");
  CHECK(document["server"] == "https://127.0.0.1:6443");
  std::set<std::string> names;
  for (const auto& op : document["ops"]) names.insert(op["op"]);
  std::set<std::string> expected(kBuiltInOps.begin(), kBuiltInOps.end());
  expected.insert("hello");
  CHECK(names == expected);

  auto logs = op_json(document, "logs");
  CHECK(logs["offered"] == true);
  CHECK(logs["allowed"] == true);
  CHECK(logs["version"] == 2);  // provided in versions 1 and 2: judged once, as the newest
  CHECK(has(logs["provider"].get<std::string>(), "orka-logs.so"));
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
  auto scalable = scale["applies_to"].get<std::vector<std::string>>();
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
  CHECK(drain["served_as"]["pods/eviction"] == "policy/v1beta1");
  auto eviction = drain["checks"][2];
  CHECK(eviction["verb"] == "create");
  CHECK(eviction["group"] == "");  // RBAC sees /api/v1/.../pods/x/eviction: the core group
  CHECK(eviction["subresource"] == "eviction");
  CHECK(eviction["scope"] == "all-namespaces");

  auto hello = op_json(document, "hello");
  CHECK(has(hello["provider"].get<std::string>(), "orka-hello.so"));
  REQUIRE(hello["checks"].size() == 1);
  CHECK(hello["checks"][0]["resource"] == "namespaces");
  CHECK(hello["checks"][0]["scope"] == "cluster");
  CHECK(hello["allowed"] == true);

  // patch nodes is asked once though cordon and drain both need it.
  CHECK(ssar_count(api, "nodes") == 1);
}

TEST_CASE("caps: the namespace comes from -n, else from the host's default") {
  FakeApi api;
  LoadedHost loaded(api, "team-a");
  std::ostringstream out;
  REQUIRE(loaded.caps({"--json"}, out).has_value());
  CHECK(nlohmann::json::parse(out.str())["namespace"] == "team-a");
  for (const auto& a : api.ssar_attributes())
    if (a.contains("namespace")) CHECK(a["namespace"] == "team-a");

  std::ostringstream out2;
  REQUIRE(loaded.caps({"--namespace=team-b", "--json"}, out2).has_value());
  CHECK(nlohmann::json::parse(out2.str())["namespace"] == "team-b");
}

TEST_CASE("caps: usage errors and help") {
  FakeApi api;
  LoadedHost loaded(api);
  std::ostringstream out;

  auto unknown = loaded.caps({"--frobnicate"}, out);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == ErrorKind::Usage);
  CHECK(exit_code_for(unknown.error()) == 2);
  CHECK(has(unknown.error().message, "frobnicate"));

  auto positional = loaded.caps({"pods"}, out);
  REQUIRE_FALSE(positional.has_value());
  CHECK(positional.error().kind == ErrorKind::Usage);

  auto missing_value = loaded.caps({"-n"}, out);
  REQUIRE_FALSE(missing_value.has_value());
  CHECK(missing_value.error().kind == ErrorKind::Usage);

  std::ostringstream help;
  auto shown = loaded.caps({"--help"}, help);
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
  LoadedHost loaded(client, "web");

  SUBCASE("the review endpoint fails") {
    ALLOW_CALL(*client, send(_, _))
        .WITH(_1.method == "POST")
        .RETURN(std::unexpected(error_from_http(404, "404 page not found")));
    std::ostringstream out;
    REQUIRE(loaded.caps({}, out, cancel).has_value());
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
    auto result = loaded.caps({}, out, cancel);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ErrorKind::Cancelled);
    CHECK(out.str().empty());
  }
}

TEST_CASE("caps: the transport auto picks follows the server version") {
  FakeApi api;
  api.set("/version", R"({"major":"1","minor":"31","gitVersion":"v1.31.0"})");
  LoadedHost loaded(api);
  std::ostringstream out;
  REQUIRE(loaded.caps({"--json"}, out).has_value());
  auto document = nlohmann::json::parse(out.str());
  CHECK(op_json(document, "exec")["transport"] == "WebSocket");
  CHECK(op_json(document, "exec")["transport_fallbacks"] == nlohmann::json::array({"SPDY/3.1"}));
  CHECK(op_json(document, "pf")["transport"] == "SPDY/3.1 over WebSocket");
  CHECK(op_json(document, "pf")["transport_fallbacks"] ==
        nlohmann::json::array({"SPDY/3.1", "WebSocket"}));

  std::ostringstream table;
  REQUIRE(loaded.caps({}, table).has_value());
  CHECK(has(rows_of(table.str(), "pf"), "SPDY/3.1 over WebSocket"));
  CHECK(has(table.str(), "pf: --transport auto picks SPDY/3.1 over WebSocket: server v1.31.0"));
}

TEST_CASE("caps: an unknown server version still shows a plan, and says why") {
  FakeApi api;
  api.set("/version", "{}");
  LoadedHost loaded(api);
  std::ostringstream out;
  REQUIRE(loaded.caps({}, out).has_value());
  CHECK(has(out.str(), "exec: --transport auto picks WebSocket"));
  CHECK(has(out.str(), "server version unknown (GET /version: no major/minor version"));
}
