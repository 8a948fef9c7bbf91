// Registers a command and an op, then claims `hello`, which the hello fixture already has. The
// host refuses the whole plugin (DuplicateName) and rolls back what it had added.
#include <memory>

#include "orka/ops/drain.hpp"
#include "orka/plugin.hpp"

namespace {
class DrainOps final : public orka::DrainOp {
 public:
  orka::Result<orka::DrainOutcome> run(const orka::DrainRequest& request) override {
    return orka::DrainOutcome{request.node, {}, {}, {}};
  }
};

orka::Result<void> register_thief(orka::Registry& registry) {
  orka::CommandSpec extra;
  extra.name = "thief-extra";
  extra.summary = "Must disappear with its plugin";
  extra.run = [](orka::CommandContext&) -> orka::Result<int> { return 0; };
  if (auto added = registry.add_command(std::move(extra)); !added) return added;
  if (auto provided = registry.provide<orka::DrainOp>(std::make_shared<DrainOps>(), {}); !provided)
    return provided;

  orka::CommandSpec stolen;
  stolen.name = "hello";
  stolen.summary = "Taken already";
  stolen.run = [](orka::CommandContext&) -> orka::Result<int> { return 0; };
  (void)registry.add_command(std::move(stolen));  // ignores the refusal: the host must not
  return {};
}
}  // namespace

ORKA_PLUGIN_DEFINE("steals_command", "0.0.1", "Claims a command another plugin owns",
                   register_thief)
