// The exec op's declaration and JSON forms: the request ({"target": "deploy/web", "container":
// "app", "command": ["sh", "-c", "date"], "stdin": false, "tty": false, "transport": "auto",
// "namespace": "x"}), the events ({"event": "target", ...} once, then {"event": "output",
// "channel": "stdout"|"stderr", "base64": "..."}) and the result ({"event": "result",
// "exit_code": N, "message": "..."}). The JsonRun's input side is the command's stdin.
// The request also takes "keepalive" ("5s", "0", or seconds as a number): it runs version 2.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "orka/op.hpp"
#include "orka/ops/exec.hpp"
#include "orka/ops/exec_v2.hpp"

namespace orka::streaming {

OpDeclaration exec_declaration();
Result<ExecRequest> exec_request_from_json(const nlohmann::json& request);
nlohmann::json exec_target_json(const ExecTarget& target);
nlohmann::json exec_chunk_json(const ExecChunk& chunk);
nlohmann::json exec_status_json(const ExecStatus& status);
// Version 2's: run_json("exec", ...) runs the newest version that has a JSON runner, and
// version 2's request is version 1's plus "keepalive", so version 1 needs none of its own.
JsonRunner exec_json_runner(std::shared_ptr<ExecOpV2> op);

}  // namespace orka::streaming
