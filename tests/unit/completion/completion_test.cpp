// The completion engine over the real plugins' descriptions, with the cluster's names mocked.
#include <doctest/doctest.h>
#include <doctest/trompeloeil.hpp>

#include <algorithm>

#include "catalog_fixture.hpp"
#include "completion.hpp"

using orka::cli::Completion;
using orka::cli::NameQuery;
using orka::cli::ValueKind;
using trompeloeil::_;

namespace {

class MockNames : public orka::cli::NameSource {
 public:
  MAKE_MOCK1(names, std::vector<std::string>(const NameQuery&), override);
};

using Words = std::vector<std::string>;

Completion complete(const orka::testing::CatalogFixture& fixture, orka::cli::NameSource& names,
                    const Words& words, std::string_view current) {
  return orka::cli::complete_words(words, current, *fixture.catalog, names);
}

bool has(const Completion& completion, std::string_view candidate) {
  return std::find(completion.candidates.begin(), completion.candidates.end(), candidate) !=
         completion.candidates.end();
}

NameQuery query(ValueKind kind, std::optional<std::string> ns = std::nullopt,
                std::string target = {}, std::string type = {}) {
  NameQuery q;
  q.kind = kind;
  q.namespace_ = std::move(ns);
  q.target = std::move(target);
  q.type = std::move(type);
  return q;
}

}  // namespace

TEST_CASE("commands, ops (third-party and aliases) and flags come from the help pages") {
  orka::testing::CatalogFixture fixture;
  MockNames names;
  FORBID_CALL(names, names(_));

  auto top = complete(fixture, names, {}, "");
  for (const char* command : {"ops", "plugins", "version", "completion", "man", "help"})
    CHECK_MESSAGE(has(top, command), command);
  CHECK_FALSE(has(top, "__complete"));
  CHECK(top.directive == orka::cli::kCompleteNoFiles);

  auto ops = complete(fixture, names, {"ops"}, "");
  for (const char* op : {"logs", "exec", "pf", "port-forward", "uncordon", "caps", "fetch", "get-it", "greet"})
    CHECK_MESSAGE(has(ops, op), op);
  CHECK(complete(fixture, names, {"ops"}, "f").candidates == Words{"fetch"});

  auto flags = complete(fixture, names, {"ops", "fetch"}, "--");
  CHECK(has(flags, "--mode"));
  CHECK(has(flags, "--limit"));
  CHECK(has(flags, "--context"));  // global flags apply everywhere
  CHECK_FALSE(has(flags, "--follow"));
  CHECK(complete(fixture, names, {"ops", "logs"}, "--fo").candidates == Words{"--follow"});
  CHECK(has(complete(fixture, names, {"ops", "greet"}, "--"), "--quiet"));

  CHECK(complete(fixture, names, {"ops", "fetch", "--mode"}, "").candidates == Words{"fast", "slow"});
  CHECK(complete(fixture, names, {"ops", "exec", "--transport"}, "s").candidates == Words{"spdy"});
  CHECK(complete(fixture, names, {"ops", "fetch"}, "--mode=f").candidates == Words{"--mode=fast"});
  CHECK(complete(fixture, names, {"completion"}, "").candidates == Words{"bash", "fish", "zsh"});

  // Nothing is ours after `--`, or for an op nobody provides: no request either way.
  auto after = complete(fixture, names, {"ops", "exec", "web-0", "--"}, "");
  CHECK(after.candidates.empty());
  CHECK(after.directive == 0);  // the shell's own file names
  CHECK(complete(fixture, names, {"ops", "nope"}, "").candidates.empty());
  CHECK(complete(fixture, names, {"--kubeconfig"}, "").directive == 0);
  CHECK(complete(fixture, names, {"man"}, "").directive == orka::cli::kCompleteDirectories);
}

TEST_CASE("pods and workloads of the namespace on the line, one query per list") {
  orka::testing::CatalogFixture fixture;
  MockNames names;
  {
    REQUIRE_CALL(names, names(query(ValueKind::Pods, "team")))
        .RETURN(std::vector<std::string>{"web-0", "db-0", "web-1"});
    auto pods = complete(fixture, names, {"-n", "team", "ops", "logs"}, "we");
    CHECK(pods.candidates == Words{"web-0", "web-1"});
  }
  {
    REQUIRE_CALL(names, names(query(ValueKind::Pods))).RETURN(std::vector<std::string>{"web-0"});
    auto pods = complete(fixture, names, {"ops", "fetch"}, "");
    CHECK(has(pods, "web-0"));
    CHECK(has(pods, "deploy/"));
    CHECK(has(pods, "sts/"));
    CHECK_FALSE(has(pods, "svc/"));  // fetch takes POD|TYPE/NAME, not svc/NAME
  }
  {
    REQUIRE_CALL(names, names(query(ValueKind::Workloads, "team", "", "deploy")))
        .RETURN(std::vector<std::string>{"web", "api"});
    auto workloads = complete(fixture, names, {"ops", "logs", "--namespace=team"}, "deploy/w");
    CHECK(workloads.candidates == Words{"deploy/web"});
  }
  {
    REQUIRE_CALL(names, names(query(ValueKind::Services, std::nullopt, "", "svc")))
        .RETURN(std::vector<std::string>{"web"});
    CHECK(complete(fixture, names, {"ops", "pf"}, "svc/").candidates == Words{"svc/web"});
  }
  // logs takes no service: no request for one.
  FORBID_CALL(names, names(_));
  CHECK(complete(fixture, names, {"ops", "logs"}, "svc/").candidates.empty());
  auto prefixes = complete(fixture, names, {"ops", "rr"}, "d");
  CHECK(prefixes.candidates == Words{"deploy/", "ds/"});
  CHECK((prefixes.directive & orka::cli::kCompleteNoSpace) != 0);
}

TEST_CASE("containers and ports of the target already on the line") {
  orka::testing::CatalogFixture fixture;
  MockNames names;
  {
    REQUIRE_CALL(names, names(query(ValueKind::Containers, "team", "web-0")))
        .RETURN(std::vector<std::string>{"app", "sidecar"});
    auto containers = complete(fixture, names, {"ops", "logs", "-n", "team", "web-0", "-c"}, "");
    CHECK(containers.candidates == Words{"app", "sidecar"});
  }
  {
    REQUIRE_CALL(names, names(query(ValueKind::Containers, std::nullopt, "deploy/web")))
        .RETURN(std::vector<std::string>{"app"});
    CHECK(complete(fixture, names, {"ops", "exec", "deploy/web", "--container"}, "a").candidates ==
          Words{"app"});
  }
  {
    REQUIRE_CALL(names, names(query(ValueKind::Ports, std::nullopt, "web-0")))
        .TIMES(2)
        .RETURN(std::vector<std::string>{"http", "8080"});
    CHECK(complete(fixture, names, {"ops", "pf", "web-0"}, "h").candidates == Words{"http"});
    CHECK(complete(fixture, names, {"ops", "pf", "web-0", "9000:http"}, "9001:").candidates ==
          Words{"9001:8080", "9001:http"});
  }
  // -c before any pod: nothing to ask about.
  FORBID_CALL(names, names(_));
  CHECK(complete(fixture, names, {"ops", "logs", "-c"}, "").candidates.empty());
}

TEST_CASE("nodes, namespaces and contexts") {
  orka::testing::CatalogFixture fixture;
  MockNames names;
  REQUIRE_CALL(names, names(query(ValueKind::Nodes))).TIMES(2).RETURN(std::vector<std::string>{"n1", "n2"});
  CHECK(complete(fixture, names, {"ops", "drain"}, "").candidates == Words{"n1", "n2"});
  CHECK(complete(fixture, names, {"ops", "uncordon", "n1"}, "n").candidates == Words{"n1", "n2"});
  REQUIRE_CALL(names, names(query(ValueKind::Namespaces)))
      .TIMES(3)
      .RETURN(std::vector<std::string>{"default", "kube-system"});
  CHECK(complete(fixture, names, {"-n"}, "k").candidates == Words{"kube-system"});
  CHECK(complete(fixture, names, {"ops", "caps"}, "--namespace=d").candidates ==
        Words{"--namespace=default"});
  CHECK(complete(fixture, names, {"ops", "caps", "-n"}, "").candidates.size() == 2);
  REQUIRE_CALL(names, names(query(ValueKind::Contexts))).RETURN(std::vector<std::string>{"prod", "dev"});
  CHECK(complete(fixture, names, {"--context"}, "").candidates == Words{"dev", "prod"});
}

TEST_CASE("the answer's format and the global flags of a partial line") {
  Completion completion{{"web-0", "bad\nname", "web-1"}, orka::cli::kCompleteNoFiles};
  CHECK(orka::cli::format_completion(completion) == "web-0\nweb-1\n:4\n");
  CHECK(orka::cli::format_completion(Completion{{}, 0}) == ":0\n");

  auto flags = orka::cli::scan_global_flags({"--context", "prod", "ops", "logs", "-n"});
  CHECK(flags.context == "prod");
  CHECK_FALSE(flags.namespace_.has_value());
  flags = orka::cli::scan_global_flags({"ops", "logs", "-nteam", "--kubeconfig=/k"});
  CHECK(flags.namespace_ == "team");
  CHECK(flags.kubeconfig == "/k");
}
