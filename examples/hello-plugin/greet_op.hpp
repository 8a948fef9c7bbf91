// The greet op's interface: what a program includes to call it with types. A program without
// this header runs it by name: host->ops().run_json("greet", {{"name", "Ada"}}, cancel).
#pragma once

#include <cstddef>
#include <string>

#include <orka/op.hpp>

namespace hello {

struct GreetRequest {
  std::string name = "world";
  std::string namespace_;   // empty: the host's default namespace
  bool count_pods = false;  // also count the namespace's pods (one list request)
  orka::CancelToken cancel;
};

struct GreetOutcome {
  std::string greeting;
  std::string namespace_;
  std::size_t pods = 0;  // with count_pods
};

// Once released, an op interface never changes: a different request or outcome would be
// GreetOpV2 with kId {"greet", 2}, provided beside this one.
struct GreetOp : orka::TypedOp<GreetRequest, orka::Result<GreetOutcome>> {
  static constexpr orka::OpId kId{"greet", 1};
};

}  // namespace hello
