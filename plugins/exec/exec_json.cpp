// The exec op as the registry and the JSON entry see it: its declaration and its JSON forms.
#include "exec_json.hpp"

#include "orka/base64.hpp"
#include "orka/op_json.hpp"
#include "orka/ops/keepalive_field.hpp"
#include "orka/transport_choice.hpp"

namespace orka::streaming {

OpDeclaration exec_declaration() {
  OpDeclaration declaration;
  declaration.summary = "Run a command in a container of a pod or a workload's pod";
  declaration.requirements = {
      op_requirement("create", "", "pods", "exec", PermissionScope::Namespace),
      op_requirement("get", "", "pods", "exec", PermissionScope::Namespace),
  };
  declaration.notes = {
      "a WebSocket upgrade is a GET, authorized as \"get\" by API servers before 1.35 and as "
      "\"create\" by newer ones; a SPDY upgrade is a POST (\"create\"): both are checked"};
  declaration.stream_subresource = "exec";
  return declaration;
}

Result<ExecRequest> exec_request_from_json(const nlohmann::json& json) {
  ExecRequest request;
  std::string transport = "auto";
  JsonRequest reader(json, "exec");
  reader.required("target", request.target)
      .optional("namespace", request.namespace_)
      .optional("container", request.container)
      .required("command", request.command)
      .optional("stdin", request.options.stdin)
      .optional("tty", request.options.tty)
      .optional("transport", transport);
  if (auto read = reader.finish(); !read) return fail(read.error());
  auto wire = parse_stream_transport(transport);
  if (!wire) return fail_field("transport", wire.error().message);
  request.options.transport = *wire;
  return request;
}

nlohmann::json exec_target_json(const ExecTarget& target) {
  return {{"event", "target"},
          {"pod", target.pod},
          {"container", target.container},
          {"container_defaulted", target.container_defaulted},
          {"containers", target.containers}};
}

nlohmann::json exec_chunk_json(const ExecChunk& chunk) {
  return {{"event", "output"},
          {"channel", chunk.channel == ExecChannel::Stderr ? "stderr" : "stdout"},
          {"base64", encode_base64(chunk.data)}};
}

nlohmann::json exec_status_json(const ExecStatus& status) {
  return {{"event", "result"}, {"exit_code", status.exit_code}, {"message", status.message}};
}

JsonRunner exec_json_runner(std::shared_ptr<ExecOpV2> op) {
  return [op](const nlohmann::json& given, const CancelToken& cancel) -> JsonRun {
    nlohmann::json json = given;
    std::chrono::milliseconds keepalive = kDefaultKeepalive;
    if (auto taken = take_keepalive_field(json, keepalive); !taken)
      return JsonRun::failed(taken.error());
    auto request = exec_request_from_json(json);
    if (!request) return JsonRun::failed(request.error());
    request->options.cancel = cancel;
    // The target is chosen before run() returns, on this thread: it leads the events.
    auto target = std::make_shared<std::optional<nlohmann::json>>();
    request->options.on_target = [target](const ExecTarget& chosen) {
      *target = exec_target_json(chosen);
    };
    auto session = op->run(ExecRequestV2{*request, keepalive});
    std::vector<nlohmann::json> leading;
    if (target->has_value()) leading.push_back(**target);
    auto input = session.input();
    return stream_as_json(std::move(session.output()), exec_chunk_json, exec_status_json, nullptr,
                          std::move(leading), std::move(input));
  };
}

}  // namespace orka::streaming
