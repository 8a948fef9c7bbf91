// A port-forward op that records the request it was given and ends at once: what the pf
// command's tests check their flags against.
#pragma once

#include <optional>

#include "orka/cancel.hpp"
#include "orka/ops/port_forward.hpp"
#include "orka/stream.hpp"

namespace orka::testing {

class RecordingForward final : public ForwardOp {
 public:
  Stream<ForwardEvent> run(const ForwardRequest& request) override {
    seen = request;
    return Stream<ForwardEvent>::spawn(1, Overflow::Block, CancelToken(),
                                       [](StreamWriter<ForwardEvent>&) { return Result<void>(); });
  }
  std::optional<ForwardRequest> seen;
};

}  // namespace orka::testing
