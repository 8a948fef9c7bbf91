// The logs op as the registry and the JSON entry see it: its declaration and its JSON forms.
#include "logs_json.hpp"

#include <fmt/format.h>

#include "orka/op_json.hpp"

namespace orka::streaming {

OpDeclaration logs_declaration() {
  OpDeclaration declaration;
  declaration.summary = "Read and follow the logs of a pod, a workload or a label selector";
  declaration.requirements = {
      op_requirement("get", "", "pods", "log", PermissionScope::Namespace),
  };
  return declaration;
}

namespace {

// Version 1's fields, which version 2 takes too.
JsonRequest& read_logs_request(JsonRequest& reader, LogsRequest& request) {
  LogOptions& log = request.log;
  return reader.optional("target", request.target)
      .optional("selector", request.selector)
      .optional("namespace", request.namespace_)
      .optional("container", request.container)
      .optional("all_containers", request.all_containers)
      .optional("init_containers", request.init_containers)
      .optional("follow", log.follow)
      .optional("tail_lines", log.tail_lines)
      .optional("since_seconds", log.since_seconds)
      .optional("since_time", log.since_time)
      .optional("timestamps", log.timestamps)
      .optional("previous", log.previous)
      .optional("limit_bytes", log.limit_bytes)
      .optional("include", log.include)
      .optional("exclude", log.exclude)
      .optional("max_streams", request.max_streams)
      .optional("buffer_lines", log.buffer_lines);
}

}  // namespace

Result<LogsRequest> logs_request_from_json(const nlohmann::json& json) {
  LogsRequest request;
  JsonRequest reader(json, "logs");
  if (auto read = read_logs_request(reader, request).finish(); !read) return fail(read.error());
  return request;
}

Result<LogsRequestV2> logs_v2_request_from_json(const nlohmann::json& json) {
  LogsRequestV2 request;
  JsonRequest reader(json, "logs");
  read_logs_request(reader, request.base)
      .optional("json_fields", request.structured.json_fields)
      .optional("output_template", request.structured.output_template);
  if (auto read = reader.finish(); !read) return fail(read.error());
  return request;
}

std::string dropped_marker(std::uint64_t count) {
  return fmt::format("... {} {} dropped ...", count, count == 1 ? "line" : "lines");
}

std::string restart_marker(std::uint64_t restarts) {
  return fmt::format("--- container restarted (restart {}) ---", restarts);
}

nlohmann::json log_line_json(const LogChunk& chunk) {
  nlohmann::json object{{"pod", chunk.pod}, {"container", chunk.container}};
  if (!chunk.timestamp.empty()) object["timestamp"] = chunk.timestamp;
  object["line"] = chunk.line;
  return object;
}

nlohmann::json log_event_json(const LogEvent& event) {
  const LogChunk& chunk = event.chunk;
  if (event.type == LogEvent::Type::Line) return log_line_json(chunk);
  nlohmann::json object{{"event", std::string(to_string(event.type))}};
  switch (event.type) {
    case LogEvent::Type::NoPods:
      object["message"] = chunk.line;
      break;
    case LogEvent::Type::NotFollowed:
      object["pod"] = chunk.pod;
      object["container"] = chunk.container;
      object["max_streams"] = event.count;
      break;
    case LogEvent::Type::StreamFailed:
      object["pod"] = chunk.pod;
      object["container"] = chunk.container;
      if (event.error) {
        object["error"] = event.error->message;
        object["kind"] = std::string(to_string(event.error->kind));
      }
      break;
    case LogEvent::Type::StreamStarted:
      object["pod"] = chunk.pod;
      object["container"] = chunk.container;
      if (event.count > 0) {  // a new instance of a followed container (see LogEvent::count)
        object["restart"] = event.count;
        object["marker"] = restart_marker(event.count);
      }
      break;
    default:
      object["pod"] = chunk.pod;
      object["container"] = chunk.container;
      break;
  }
  return object;
}

nlohmann::json log_dropped_json(std::uint64_t count) {
  return {{"dropped", count}, {"marker", dropped_marker(count)}};
}

nlohmann::json logs_outcome_json(const LogsOutcome& outcome) {
  return {{"event", "end"}, {"streams", outcome.streams}, {"failed", outcome.failed}};
}

JsonRunner logs_json_runner(std::shared_ptr<LogsOp> op) {
  return [op](const nlohmann::json& json, const CancelToken& cancel) -> JsonRun {
    auto request = logs_request_from_json(json);
    if (!request) return JsonRun::failed(request.error());
    request->cancel = cancel;
    return stream_as_json(op->run(*request), log_event_json, logs_outcome_json, log_dropped_json);
  };
}

JsonRunner logs_v2_json_runner(std::shared_ptr<LogsOpV2> op) {
  return [op](const nlohmann::json& json, const CancelToken& cancel) -> JsonRun {
    auto request = logs_v2_request_from_json(json);
    if (!request) return JsonRun::failed(request.error());
    request->base.cancel = cancel;
    return stream_as_json(op->run(*request), log_event_json, logs_outcome_json, log_dropped_json);
  };
}

}  // namespace orka::streaming
