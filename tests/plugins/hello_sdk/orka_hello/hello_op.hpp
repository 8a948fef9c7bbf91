// A third party's op interface, as its author ships it to programs that want to call the op
// with types (a GUI may instead run it by name with JSON: Ops::run_json("hello", ...)).
#pragma once

#include <string>

#include "orka/op.hpp"

namespace orka_hello {

struct HelloRequest {
  std::string name = "world";
  std::string namespace_;       // empty: the host's default namespace
  bool read_namespace = false;  // read the namespace from the cluster (its UID)
  orka::CancelToken cancel;
};

struct HelloOutcome {
  std::string greeting;       // "hello, NAME! (namespace NS)"
  std::string namespace_uid;  // with read_namespace: from the cluster
};

// Greets someone in a namespace, reading that namespace from the cluster when asked.
struct HelloOp : orka::TypedOp<HelloRequest, orka::Result<HelloOutcome>> {
  static constexpr orka::OpId kId{"hello", 1};
};

}  // namespace orka_hello
