// A well-behaved third-party plugin, built the way an outside author would build one: it adds
// `orka ops hello` and provides the Cordon op (through the Client, so an embedding test can
// drive it with a mock). Test hooks: `--sleep` waits for Ctrl-C, `--stubborn` ignores it,
// `--throw` and the node name "explode" throw, to show exceptions stay inside the plugin.
#include <chrono>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "orka/plugin.hpp"

namespace {

class HelloOps final : public orka::OrkaOps {
 public:
  explicit HelloOps(orka::Services& services) : services_(services) {}

  orka::Result<orka::CordonOutcome> cordon(const std::string& node, bool on) override {
    if (node == "explode") throw std::runtime_error("hello's cordon exploded on purpose");
    auto client = services_.client();
    if (!client) return std::unexpected(client.error());
    orka::CancelToken cancel;

    orka::Request get;
    get.path = "/api/v1/nodes/" + node;
    auto current = (*client)->send(get, cancel);
    if (!current) return std::unexpected(current.error());
    auto object = nlohmann::json::parse(current->body, nullptr, false);
    if (object.is_discarded())
      return orka::fail(orka::ErrorKind::Transport, "the node came back as invalid JSON");
    const bool unschedulable = object.value("/spec/unschedulable"_json_pointer, false);
    if (unschedulable == on) return orka::CordonOutcome{node, false};

    orka::Request patch;
    patch.method = "PATCH";
    patch.path = get.path;
    patch.content_type = "application/strategic-merge-patch+json";
    patch.body = nlohmann::json{{"spec", {{"unschedulable", on}}}}.dump();
    auto patched = (*client)->send(patch, cancel);
    if (!patched) return std::unexpected(patched.error());
    return orka::CordonOutcome{node, true};
  }

 private:
  orka::Services& services_;
};

constexpr const char* kHelloUsage = "orka ops hello [NAME] [--sleep | --stubborn | --throw]";

orka::Result<int> run_hello(orka::CommandContext& ctx) {
  std::string who = "world";
  bool sleep = false;
  bool stubborn = false;
  for (const auto& arg : ctx.args) {
    if (arg == "--help" || arg == "-h") {
      ctx.out << "usage: " << kHelloUsage << "\n\nGreets NAME in the current namespace.\n\n"
              << "aliases: hi\n";
      return 0;
    }
    if (arg == "--sleep") sleep = true;
    else if (arg == "--stubborn") stubborn = true;
    else if (arg == "--throw") throw std::runtime_error("hello threw on purpose");
    else if (arg.starts_with("-"))
      return orka::fail(orka::ErrorKind::Usage, "unknown flag " + arg + " for `orka ops hello`",
                        "run `orka ops hello --help`");
    else who = arg;
  }
  auto ns = ctx.services.default_namespace();
  if (!ns) return std::unexpected(ns.error());
  ctx.out << "hello, " << who << "! (namespace " << *ns << ")\n";
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
  orka::CommandSpec spec;
  spec.name = "hello";
  spec.aliases = {"hi"};
  spec.summary = "Greet someone and show the namespace (test fixture)";
  spec.usage = kHelloUsage;
  spec.run = run_hello;
  if (auto added = registry.add_command(std::move(spec)); !added) return added;
  return registry.provide(orka::OpKind::Cordon, std::make_shared<HelloOps>(registry.services()));
}

}  // namespace

ORKA_PLUGIN_DEFINE("hello", "1.2.3", "A friendly third-party plugin (test fixture)", register_hello)
