// Runs one `orka ops` command in-process against ops a test provides, with no cluster: what the
// command made of its flags is whatever the test's op recorded.
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "orka/command.hpp"
#include "test_ops.hpp"

namespace orka::testing {

struct CommandRun {
  Result<int> result;
  std::string out;
  std::string err;
};

// `op` is borrowed: it must outlive the call.
template <class OpT>
CommandRun run_command(const CommandSpec& spec, OpT& op, std::vector<std::string> args,
                       std::string invoked_as = "") {
  NoClusterServices services;
  TestOps ops;
  ops.add<OpT>(std::shared_ptr<OpT>(&op, [](OpT*) {}));
  std::ostringstream out, err;
  CommandContext ctx{services, ops, invoked_as.empty() ? spec.name : invoked_as,
                     std::move(args), out, err, CancelToken{}};
  auto result = spec.run(ctx);
  return {result, out.str(), err.str()};
}

}  // namespace orka::testing
