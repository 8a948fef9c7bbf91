// The built logs plugin provides the logs op in two interface versions side by side: version 1
// for callers built before structured logs, version 2 (orka/ops/logs_v2.hpp) with them; and the
// JSON entry runs the newest, taking the structured fields.
#include <doctest/doctest.h>

#include "orka/host.hpp"
#include "orka/ops/logs.hpp"
#include "orka/ops/logs_v2.hpp"
#include "test_paths.hpp"

using namespace orka;

namespace {

std::unique_ptr<Host> host_with_built_plugins() {
  HostOptions options;
  options.namespace_ = "web";
  options.plugin_paths = {orka::testing::build_plugin_dir()};
  options.use_env_plugin_path = false;
  options.use_default_plugin_dir = false;
  auto host = Host::create(options);
  host->load_plugins();
  return host;
}

std::string field_of(const Error& error) { return error.causes.empty() ? "" : error.causes.front().field; }

}  // namespace

TEST_CASE("logs: version 1 and version 2 are both provided, each checking its own request") {
  auto host = host_with_built_plugins();
  auto v1 = host->ops().get<LogsOp>();
  REQUIRE_MESSAGE(v1, v1.error().message);
  auto v2 = host->ops().get<LogsOpV2>();
  REQUIRE_MESSAGE(v2, v2.error().message);

  // Both refuse a request naming no pods before any request is sent (no cluster here).
  auto old_caller = host->ops().run<LogsOp>(LogsRequest{});
  auto old_end = old_caller.finish();
  REQUIRE_FALSE(old_end);
  CHECK(field_of(old_end.error()) == "target");

  LogsRequestV2 request;
  request.base.target = "web-1";
  request.structured.output_template = "{{level}}";
  auto new_caller = host->ops().run<LogsOpV2>(request);
  auto new_end = new_caller.finish();
  REQUIRE_FALSE(new_end);
  CHECK(field_of(new_end.error()) == "output_template");

  std::size_t logs_versions = 0;
  for (const auto& op : host->ops().list())
    if (op.name == "logs") ++logs_versions;
  CHECK(logs_versions == 2);
}

TEST_CASE("logs as JSON takes the structured fields and refuses bad ones by name") {
  auto host = host_with_built_plugins();
  auto run = host->ops().run_json(
      "logs", {{"target", "web-1"}, {"json_fields", {"level"}}, {"output_template", "{{.msg}}"}},
      CancelToken{});
  auto end = run.finish();
  REQUIRE_FALSE(end);
  CHECK(field_of(end.error()) == "json_fields");
  CHECK(end.error().message == "json_fields \"level\" has neither = nor ~ after the key");

  auto misspelt = host->ops().run_json("logs", {{"target", "web-1"}, {"json_field", {"a=1"}}}, CancelToken{});
  auto refused = misspelt.finish();
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("json_field") != std::string::npos);
}
