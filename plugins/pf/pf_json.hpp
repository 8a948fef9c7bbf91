// The pf op's declaration and JSON forms: the request ({"target": "svc/web", "ports":
// ["8080:80", ":http"], "addresses": ["127.0.0.1"], "transport": "auto", "namespace": "x"}) and
// one object per event — what `orka ops pf --json` prints.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "orka/op.hpp"
#include "orka/ops/port_forward.hpp"

namespace orka::streaming {

OpDeclaration pf_declaration();
Result<ForwardRequest> forward_request_from_json(const nlohmann::json& request);
nlohmann::json forward_event_json(const ForwardEvent& event);
JsonRunner pf_json_runner(std::shared_ptr<ForwardOp> op);

}  // namespace orka::streaming
