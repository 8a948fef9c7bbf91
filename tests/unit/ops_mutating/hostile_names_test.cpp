// The attacks of issue 11 finding 1, at the op level: a name that would retarget a request is
// refused as a usage error before any request is sent; a 404 in a missing namespace says so.
#include <doctest/doctest.h>

#include "cordon.hpp"
#include "delete.hpp"
#include "drain.hpp"
#include "fake_api.hpp"
#include "rr.hpp"
#include "scale.hpp"

using namespace orka;
using namespace orka::testing;

namespace {

const std::string kSmuggled =
    "p HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nDELETE /api/v1/namespaces/web/configmaps/marker "
    "HTTP/1.1\r\nX-Ignore: y";

void check_refused_without_requests(const Error& error, const MockedCluster& cluster) {
  CHECK(error.kind == ErrorKind::Usage);
  CHECK(error.message.find("is not valid") != std::string::npos);
  CHECK(error.message.find('\r') == std::string::npos);
  CHECK(cluster.api.requests().empty());
}

}  // namespace

TEST_CASE("delete refuses CR/LF, a query or a space in the pod name before any request") {
  for (const std::string& name : {kSmuggled, std::string("p?dryRun=All"), std::string("my pod")}) {
    CAPTURE(name);
    MockedCluster cluster;
    podsdelete::DeleteOps ops(cluster.services);
    auto outcome = ops.run(DeleteRequest{PodRef{"web", name}, {}});
    REQUIRE_FALSE(outcome);
    check_refused_without_requests(outcome.error(), cluster);
  }
}

TEST_CASE("delete refuses a namespace carrying a path before any request") {
  MockedCluster cluster;
  podsdelete::DeleteOps ops(cluster.services);
  auto outcome = ops.run(DeleteRequest{PodRef{"web/configmaps/marker?x=", "p"}, {}});
  REQUIRE_FALSE(outcome);
  check_refused_without_requests(outcome.error(), cluster);
  CHECK(outcome.error().message.find("namespace name") == 0);
}

TEST_CASE("cordon and drain refuse a node name with CR/LF before any request") {
  MockedCluster cluster;
  cordon::CordonOps cordon_ops(cluster.services);
  auto cordoned = cordon_ops.run(CordonRequest{kSmuggled, true, CancelToken{}});
  REQUIRE_FALSE(cordoned);
  check_refused_without_requests(cordoned.error(), cluster);

  drain::DrainOps drain_ops(cluster.services);
  auto drained = drain_ops.run(DrainRequest{kSmuggled, {}});
  REQUIRE_FALSE(drained);
  check_refused_without_requests(drained.error(), cluster);
}

TEST_CASE("scale and rr refuse a query in the name before any request") {
  MockedCluster cluster;
  scale::ScaleOps scale_ops(cluster.services);
  auto scaled = scale_ops.run(ScaleRequest{ObjectRef{"web", "deploy", "x?a="}, 2, ScaleMode::Subresource, {}});
  REQUIRE_FALSE(scaled);
  check_refused_without_requests(scaled.error(), cluster);
  CHECK(scaled.error().message.find("deployment name \"x?a=\"") == 0);

  rr::RolloutOps rr_ops(cluster.services);
  auto restarted = rr_ops.run(RolloutRequest{ObjectRef{"web", "deploy", "x?dryRun=All"}, {}});
  REQUIRE_FALSE(restarted);
  check_refused_without_requests(restarted.error(), cluster);
}

TEST_CASE("a 404 in a namespace that does not exist names the namespace") {
  MockedCluster cluster;  // the fake API answers 404 for everything, the namespace included
  podsdelete::DeleteOps ops(cluster.services);
  auto outcome = ops.run(DeleteRequest{PodRef{"nope", "p"}, {}});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::NotFound);
  CHECK(outcome.error().message.find("namespace \"nope\" does not exist") == 0);
  CHECK(outcome.error().hint.find("-n/--namespace") != std::string::npos);
  CHECK(cluster.api.find("GET", "/api/v1/namespaces/nope").size() == 2);  // the pod, the namespace
}

TEST_CASE("a 404 in a namespace that exists is still about the object") {
  MockedCluster cluster;
  cluster.api.on("GET", "/api/v1/namespaces/web", 200, {{"kind", "Namespace"}});
  cluster.api.on("GET", "/api/v1/namespaces/web/pods/p", 404,
                 {{"kind", "Status"}, {"code", 404}, {"message", "pods \"p\" not found"}});
  podsdelete::DeleteOps ops(cluster.services);
  auto outcome = ops.run(DeleteRequest{PodRef{"web", "p"}, {}});
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().kind == ErrorKind::NotFound);
  CHECK(outcome.error().message == "pod \"p\" not found in namespace \"web\"");
}
