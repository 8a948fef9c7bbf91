// The hello plugin: the greet op (with what it needs from the cluster and its JSON form) and the
// `orka ops hello` command that calls it — the whole of a third-party plugin in one file.
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <orka/command_shape.hpp>
#include <orka/op_json.hpp>
#include <orka/plugin.hpp>
#include <orka/pod_targets.hpp>

#include "greet_op.hpp"

namespace {

using hello::GreetOp;
using hello::GreetOutcome;
using hello::GreetRequest;

// The op: everything a caller gets, the CLI and a GUI alike.
class Greeter final : public GreetOp {
 public:
  explicit Greeter(orka::Services& services) : services_(services) {}

  orka::Result<GreetOutcome> run(const GreetRequest& request) override {
    if (request.name.empty()) return orka::fail_field("name", "must not be empty");
    GreetOutcome outcome;
    outcome.namespace_ = request.namespace_;
    if (outcome.namespace_.empty()) {
      auto fallback = services_.default_namespace();
      if (!fallback) return orka::fail(fallback.error());
      outcome.namespace_ = *fallback;
    }
    outcome.greeting = fmt::format("hello, {}!", request.name);
    if (!request.count_pods) return outcome;
    auto client = services_.client();
    if (!client) return orka::fail(client.error());
    auto pods = orka::list_pods(**client, outcome.namespace_, "", request.cancel);
    if (!pods) return orka::fail(pods.error());
    outcome.pods = pods->size();
    return outcome;
  }

 private:
  orka::Services& services_;
};

// What `orka ops caps` shows for it.
orka::OpDeclaration greet_declaration() {
  orka::OpDeclaration declaration;
  declaration.summary = "Greet someone, and count the pods of a namespace";
  declaration.requirements = {orka::op_requirement("list", "", "pods", "",
                                                   orka::PermissionScope::Namespace,
                                                   "counts the pods when asked to")};
  return declaration;
}

// One object: what `orka ops hello --json` prints and what the JSON entry returns.
nlohmann::json greet_json(const GreetOutcome& outcome, bool counted) {
  nlohmann::json object = {{"event", "result"},
                           {"greeting", outcome.greeting},
                           {"namespace", outcome.namespace_}};
  if (counted) object["pods"] = outcome.pods;
  return object;
}

orka::JsonRunner greet_json_runner(std::shared_ptr<GreetOp> op) {
  return [op](const nlohmann::json& json, const orka::CancelToken& cancel) {
    return orka::run_one_shot_json(cancel, [op, json, cancel](auto&) -> orka::Result<nlohmann::json> {
      GreetRequest request;
      orka::JsonRequest reader(json, "greet");
      reader.optional("name", request.name)
          .optional("namespace", request.namespace_)
          .optional("count_pods", request.count_pods);
      if (auto read = reader.finish(); !read) return orka::fail(read.error());
      request.cancel = cancel;
      auto outcome = op->run(request);
      if (!outcome) return orka::fail(outcome.error());
      return greet_json(*outcome, request.count_pods);
    });
  };
}

// The command: flags → request → op → output, in the shape every orka command has.
struct HelloCommand {
  GreetRequest request;
  bool json = false;

  static orka::CommandInfo info() {
    return {"hello", {}, "Greet someone (an example plugin)", "orka ops hello [NAME] [--pods] [--json]",
            "print the greeting as a JSON object"};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    add("pods", "also count the pods of the namespace");
  }
  static std::string_view flag_for(std::string_view field) {
    return field == "count_pods" ? "--pods" : std::string_view{};
  }
  orka::Result<void> complete(const orka::CommandArgs& args, orka::CommandContext& ctx) {
    if (args.positional.size() > 1) return orka::fail(orka::ErrorKind::Usage, "greet one name at a time");
    if (!args.positional.empty()) request.name = args.positional.front();
    request.count_pods = args.flags.count("pods") > 0;
    request.cancel = ctx.cancel;
    json = args.json;
    return {};
  }
  orka::Result<void> validate() const { return {}; }
  orka::Result<int> run(orka::CommandContext& ctx) {
    auto outcome = ctx.ops.run<GreetOp>(request);
    if (!outcome) return orka::fail(outcome.error());
    if (json)
      ctx.out << greet_json(*outcome, request.count_pods).dump() << '\n';
    else if (request.count_pods)
      ctx.out << fmt::format("{} (namespace {} has {} pods)\n", outcome->greeting,
                             outcome->namespace_, outcome->pods);
    else
      ctx.out << fmt::format("{} (namespace {})\n", outcome->greeting, outcome->namespace_);
    return 0;
  }
};

orka::Result<void> register_hello(orka::Registry& registry) {
  auto op = std::make_shared<Greeter>(registry.services());
  if (auto provided = registry.provide<GreetOp>(op, greet_declaration(), greet_json_runner(op));
      !provided)
    return provided;
  return registry.add_command(orka::command_spec<HelloCommand>());
}

}  // namespace

ORKA_PLUGIN_DEFINE("hello", "1.0.0", "Greets people: an example third-party op plugin", register_hello)
