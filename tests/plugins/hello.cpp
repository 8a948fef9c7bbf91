// A well-behaved third-party plugin, built the way an outside author would build one: it
// provides its own typed op `hello` (orka_hello/hello_op.hpp) with a declaration and a JSON
// runner, and adds `orka ops hello`, which calls the op through the registry. Test hooks: the
// name "explode" makes the op throw, `--throw` makes the command throw (exceptions stay inside
// the plugin), `--sleep` waits for Ctrl-C, `--stubborn` ignores it.
#include <chrono>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "orka/op_json.hpp"
#include "orka/plugin.hpp"
#include "orka_hello/hello_op.hpp"

namespace {

using orka_hello::HelloOp;
using orka_hello::HelloOutcome;
using orka_hello::HelloRequest;

class HelloImpl final : public HelloOp {
 public:
  explicit HelloImpl(orka::Services& services) : services_(services) {}

  orka::Result<HelloOutcome> run(const HelloRequest& request) override {
    if (request.name == "explode") throw std::runtime_error("hello's op exploded on purpose");
    if (request.name.empty()) return orka::fail_field("name", "must not be empty");
    std::string ns = request.namespace_;
    if (ns.empty()) {
      auto fallback = services_.default_namespace();
      if (!fallback) return std::unexpected(fallback.error());
      ns = *fallback;
    }
    HelloOutcome outcome;
    outcome.greeting = "hello, " + request.name + "! (namespace " + ns + ")";
    if (!request.read_namespace) return outcome;
    auto client = services_.client();
    if (!client) return std::unexpected(client.error());
    auto object = orka::get_json(
        **client, orka::ApiPath::group_version("", "v1").segment("namespaces").segment(ns),
        request.cancel);
    if (!object) return std::unexpected(object.error());
    outcome.namespace_uid = object->value("/metadata/uid"_json_pointer, std::string());
    return outcome;
  }

 private:
  orka::Services& services_;
};

orka::OpDeclaration hello_declaration() {
  orka::OpDeclaration declaration;
  declaration.summary = "Greet someone in a namespace (test fixture)";
  declaration.requirements = {
      orka::op_requirement("get", "", "namespaces", "", orka::PermissionScope::Cluster,
                           "reads the namespace it greets in")};
  return declaration;
}

nlohmann::json hello_result_json(const HelloOutcome& outcome) {
  return {{"event", "result"}, {"greeting", outcome.greeting}, {"namespace_uid", outcome.namespace_uid}};
}

orka::JsonRunner hello_json_runner(std::shared_ptr<HelloOp> op) {
  return [op](const nlohmann::json& json, const orka::CancelToken& cancel) {
    return orka::run_one_shot_json(cancel, [op, json, cancel](auto& emit) -> orka::Result<nlohmann::json> {
      HelloRequest request;
      orka::JsonRequest reader(json, "hello");
      reader.optional("name", request.name)
          .optional("namespace", request.namespace_)
          .optional("read_namespace", request.read_namespace);
      if (auto read = reader.finish(); !read) return std::unexpected(read.error());
      request.cancel = cancel;
      emit(nlohmann::json{{"event", "greeting"}, {"name", request.name}});
      auto outcome = op->run(request);
      if (!outcome) return std::unexpected(outcome.error());
      return hello_result_json(*outcome);
    });
  };
}

constexpr const char* kHelloUsage = "orka ops hello [NAME] [--json] [--sleep | --stubborn | --throw]";

orka::Result<int> run_hello(orka::CommandContext& ctx) {
  HelloRequest request;
  bool sleep = false;
  bool stubborn = false;
  bool json = false;
  for (const auto& arg : ctx.args) {
    if (arg == "--help" || arg == "-h") {
      ctx.out << "usage: " << kHelloUsage << "\n\nGreets NAME in the current namespace.\n\n"
              << "aliases: hi\n";
      return 0;
    }
    if (arg == "--sleep") sleep = true;
    else if (arg == "--stubborn") stubborn = true;
    else if (arg == "--json") json = true;
    else if (arg == "--throw") throw std::runtime_error("hello threw on purpose");
    else if (arg.starts_with("-"))
      return orka::fail(orka::ErrorKind::Usage, "unknown flag " + arg + " for `orka ops hello`",
                        "run `orka ops hello --help`");
    else request.name = arg;
  }
  request.cancel = ctx.cancel;
  auto outcome = ctx.ops.run<HelloOp>(request);
  if (!outcome) return std::unexpected(outcome.error());
  if (json)
    ctx.out << hello_result_json(*outcome).dump() << "\n";
  else
    ctx.out << outcome->greeting << "\n";
  ctx.out.flush();
  if (stubborn) {
    ctx.out << "sleeping, ignoring Ctrl-C\n" << std::flush;
    std::this_thread::sleep_for(std::chrono::seconds(30));
    return 0;
  }
  if (sleep) {
    ctx.out << "sleeping until cancelled\n" << std::flush;
    if (!ctx.cancel.wait_for(std::chrono::seconds(30)))
      return orka::fail(orka::ErrorKind::Timeout, "nobody cancelled hello within 30 seconds");
    return orka::fail(orka::ErrorKind::Cancelled, "hello was cancelled");
  }
  return 0;
}

orka::Result<void> register_hello(orka::Registry& registry) {
  auto op = std::make_shared<HelloImpl>(registry.services());
  if (auto provided = registry.provide<HelloOp>(op, hello_declaration(), hello_json_runner(op)); !provided)
    return provided;
  orka::CommandSpec spec;
  spec.name = "hello";
  spec.aliases = {"hi"};
  spec.summary = "Greet someone and show the namespace (test fixture)";
  spec.usage = kHelloUsage;
  spec.run = run_hello;
  return registry.add_command(std::move(spec));
}

}  // namespace

ORKA_PLUGIN_DEFINE("hello", "1.2.3", "A friendly third-party plugin (test fixture)", register_hello)
