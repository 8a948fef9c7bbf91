// The pf op's declaration and JSON forms: the request ({"target": "svc/web", "ports":
// ["8080:80", ":http"], "addresses": ["127.0.0.1"], "transport": "auto", "namespace": "x"}) and
// one object per event — what `orka ops pf --json` prints. Version 2's request also takes
// "keepalive" ("5s", "0", or seconds as a number): it runs version 2.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "orka/op.hpp"
#include "orka/ops/port_forward.hpp"
#include "orka/ops/port_forward_v2.hpp"

namespace orka::streaming {

OpDeclaration pf_declaration();
Result<ForwardRequest> forward_request_from_json(const nlohmann::json& request);
nlohmann::json forward_event_json(const ForwardEvent& event);
// Version 2's: run_json("pf", ...) runs the newest version that has a JSON runner, and
// version 2's request is version 1's plus "keepalive", so version 1 needs none of its own.
JsonRunner pf_json_runner(std::shared_ptr<ForwardOpV2> op);

}  // namespace orka::streaming
