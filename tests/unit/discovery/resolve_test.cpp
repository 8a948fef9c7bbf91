// resolve(): what a user types → a resource, like kubectl's RESTMapper.
#include <doctest/doctest.h>

#include "discovery/discovery_client.hpp"
#include "discovery/resource_resolver.hpp"
#include "fake_api.hpp"
#include "mock_client.hpp"

using namespace orka;
using orka::testing::FakeApi;
using orka::testing::MockClient;
using trompeloeil::_;

TEST_CASE("resolve: names, singulars, kinds, short names and qualified forms") {
  FakeApi api;
  auto client = std::make_shared<MockClient>();
  ALLOW_CALL(*client, send(_, _)).LR_RETURN(api.answer(_1));
  auto discovery = core::make_discovery(client);
  CancelToken cancel;

  struct Case {
    const char* typed;
    const char* group;
    const char* resource;
    const char* version;
  };
  const Case cases[] = {
      {"deploy", "apps", "deployments", "v1"},
      {"deployment", "apps", "deployments", "v1"},
      {"deployments", "apps", "deployments", "v1"},
      {"Deployment", "apps", "deployments", "v1"},
      {"DEPLOYMENTS", "apps", "deployments", "v1"},
      {"deployments.apps", "apps", "deployments", "v1"},
      {"deployment.apps", "apps", "deployments", "v1"},
      {"deployments.v1.apps", "apps", "deployments", "v1"},
      {"sts", "apps", "statefulsets", "v1"},
      {"ds", "apps", "daemonsets", "v1"},
      {"rs", "apps", "replicasets", "v1"},
      {"svc", "", "services", "v1"},
      {"po", "", "pods", "v1"},
      {"pod", "", "pods", "v1"},
      {"no", "", "nodes", "v1"},
      {"node", "", "nodes", "v1"},
      {"rc", "", "replicationcontrollers", "v1"},
      // events exist in core and events.k8s.io: core wins, as with kubectl
      {"events", "", "events", "v1"},
      {"ev", "", "events", "v1"},
      {"events.events.k8s.io", "events.k8s.io", "events", "v1"},
      {"hpa", "autoscaling", "horizontalpodautoscalers", "v1"},
      {"pdb", "policy", "poddisruptionbudgets", "v1beta1"},
      {"foos.example.com", "example.com", "foos", "v1"},
      {"foo", "example.com", "foos", "v1"},
      {"fo", "example.com", "foos", "v1"},
      {"foos.v1.example.com", "example.com", "foos", "v1"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.typed);
    auto resolved = discovery->resolve(c.typed, cancel);
    REQUIRE(resolved.has_value());
    CHECK(resolved->group == c.group);
    CHECK(resolved->resource == c.resource);
    CHECK(resolved->version == c.version);
  }
}

TEST_CASE("resolve: a non-preferred version is fetched when named, once") {
  FakeApi api;
  auto client = std::make_shared<MockClient>();
  ALLOW_CALL(*client, send(_, _)).LR_RETURN(api.answer(_1));
  auto discovery = core::make_discovery(client);
  CancelToken cancel;
  for (int i = 0; i < 2; ++i) {
    auto hpa = discovery->resolve("horizontalpodautoscalers.v2beta2.autoscaling", cancel);
    REQUIRE(hpa.has_value());
    CHECK(hpa->version == "v2beta2");
    CHECK(hpa->group_version_path().str() == "/apis/autoscaling/v2beta2");
  }
  CHECK(api.count("/apis/autoscaling/v2beta2") == 1);
  // A version the group does not serve is not fetched.
  CHECK_FALSE(discovery->resolve("horizontalpodautoscalers.v9.autoscaling", cancel).has_value());
  CHECK(api.count("/apis/autoscaling/v9") == 0);
}

TEST_CASE("resolve: unknown types are NotFound with a useful hint") {
  FakeApi api;
  auto client = std::make_shared<MockClient>();
  ALLOW_CALL(*client, send(_, _)).LR_RETURN(api.answer(_1));
  auto discovery = core::make_discovery(client);
  CancelToken cancel;

  auto unknown = discovery->resolve("widgets", cancel);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == ErrorKind::NotFound);
  CHECK(unknown.error().message.find("\"widgets\"") != std::string::npos);
  CHECK(unknown.error().hint.find("plural") != std::string::npos);
  CHECK(unknown.error().hint.find("kubectl api-resources") != std::string::npos);

  auto typo = discovery->resolve("deploymen", cancel);
  REQUIRE_FALSE(typo.has_value());
  CHECK(typo.error().hint.find("did you mean \"deployments.apps\"") != std::string::npos);

  // The group must match exactly: there are no deployments in extensions on 1.20.
  auto wrong_group = discovery->resolve("deployments.extensions", cancel);
  REQUIRE_FALSE(wrong_group.has_value());
  CHECK(wrong_group.error().kind == ErrorKind::NotFound);

  auto empty = discovery->resolve("", cancel);
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().kind == ErrorKind::Usage);
}

TEST_CASE("find_resource: exact names beat short names; core, then apps, then discovery order") {
  auto make = [](std::string group, std::string name, std::vector<std::string> short_names = {}) {
    ApiResource r;
    r.group = std::move(group);
    r.version = "v1";
    r.resource = name;
    r.singular = name.substr(0, name.size() - 1);
    r.kind = r.singular;
    r.short_names = std::move(short_names);
    return r;
  };
  // An older cluster: extensions (listed first) and apps both serve deployments.
  std::vector<ApiResource> resources = {
      make("extensions", "deployments", {"deploy"}),
      make("apps", "deployments", {"deploy"}),
      make("a.io", "widgets", {"w"}),
      make("b.io", "widgets"),
      make("c.io", "gizmos"),
      make("", "things", {"w", "gizmos"}),  // a short name equal to c.io's plural
  };
  auto find = [&](std::string_view typed) {
    auto queries = core::parse_resource_arg(typed);
    for (const auto& q : queries)
      if (auto r = core::find_resource(resources, q)) return r->group + "/" + r->resource;
    return std::string("none");
  };
  CHECK(find("deployments") == "apps/deployments");
  CHECK(find("deploy") == "apps/deployments");
  CHECK(find("deployments.extensions") == "extensions/deployments");
  CHECK(find("widgets") == "a.io/widgets");
  CHECK(find("widgets.b.io") == "b.io/widgets");
  CHECK(find("w") == "/things");  // short name in both a.io and core: core wins
  CHECK(find("gizmos") == "c.io/gizmos");  // an exact name is never shadowed by a short name
  CHECK(find("gadgets") == "none");
}

TEST_CASE("parse_resource_arg splits resource.version.group and resource.group") {
  auto three = core::parse_resource_arg("Deployments.v1.Apps");
  REQUIRE(three.size() == 2);
  CHECK(three[0].name == "deployments");
  CHECK(three[0].version == std::optional<std::string>("v1"));
  CHECK(three[0].group == std::optional<std::string>("apps"));
  CHECK(three[1].group == std::optional<std::string>("v1.apps"));
  CHECK_FALSE(three[1].version.has_value());

  auto plain = core::parse_resource_arg("sts");
  REQUIRE(plain.size() == 1);
  CHECK_FALSE(plain[0].group.has_value());
}
