// A port-forward op (version 2, what the pf command calls) that records the request it was
// given and ends at once: what the pf command's tests check their flags against.
#pragma once

#include <optional>

#include "orka/cancel.hpp"
#include "orka/ops/port_forward_v2.hpp"
#include "orka/stream.hpp"

namespace orka::testing {

class RecordingForward final : public ForwardOpV2 {
 public:
  Stream<ForwardEvent> run(const ForwardRequestV2& request) override {
    seen = request.forward;
    keepalive = request.keepalive;
    return Stream<ForwardEvent>::spawn(1, Overflow::Block, CancelToken(),
                                       [](StreamWriter<ForwardEvent>&) { return Result<void>(); });
  }
  std::optional<ForwardRequest> seen;
  std::chrono::milliseconds keepalive{-1};
};

}  // namespace orka::testing
