// The logs op's declaration and JSON forms: the request ({"target": "deploy/web" or "selector":
// "app=web", "container", "all_containers", "init_containers", "follow", "tail_lines",
// "since_seconds", "since_time", "timestamps", "previous", "limit_bytes", "include": [...],
// "exclude": [...], "max_streams", "buffer_lines", "namespace"}), and the events — exactly what
// `orka ops logs --json` prints: a line is {"pod", "container", "timestamp", "line"}, lost lines
// {"dropped": N, "marker": "..."}, anything else {"event": "stream_started"|..., "pod", ...};
// a container's new instance is a stream_started with "restart": N and "marker": "...".
#pragma once

#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "orka/op.hpp"
#include "orka/ops/logs.hpp"
#include "orka/ops/logs_v2.hpp"

namespace orka::streaming {

OpDeclaration logs_declaration();
Result<LogsRequest> logs_request_from_json(const nlohmann::json& request);
// Version 2: version 1's fields and "json_fields": [...], "output_template".
Result<LogsRequestV2> logs_v2_request_from_json(const nlohmann::json& request);
nlohmann::json log_line_json(const LogChunk& chunk);
nlohmann::json log_event_json(const LogEvent& event);
nlohmann::json log_dropped_json(std::uint64_t count);
nlohmann::json logs_outcome_json(const LogsOutcome& outcome);
JsonRunner logs_json_runner(std::shared_ptr<LogsOp> op);
JsonRunner logs_v2_json_runner(std::shared_ptr<LogsOpV2> op);

// "... 1 line dropped ..." / "... 12 lines dropped ..."
std::string dropped_marker(std::uint64_t count);
// "--- container restarted (restart 3) ---"
std::string restart_marker(std::uint64_t restarts);

}  // namespace orka::streaming
