// The pf op as the registry and the JSON entry see it: its declaration and its JSON forms
// (the events are also what `orka ops pf --json` prints).
#include <fmt/format.h>

#include "forward.hpp"
#include "orka/op_json.hpp"
#include "orka/ops/keepalive_field.hpp"
#include "orka/transport_choice.hpp"
#include "pf_json.hpp"
#include "port_mapping.hpp"

namespace orka::streaming {

OpDeclaration pf_declaration() {
  OpDeclaration declaration;
  declaration.summary = "Forward local ports to a pod, a workload's pod or a service's pod";
  const std::string websocket_note =
      "a WebSocket upgrade is a GET, authorized as \"get\" by API servers before 1.35 and as "
      "\"create\" by newer ones; a SPDY upgrade is a POST (\"create\"): both are checked";
  declaration.requirements = {
      op_requirement("create", "", "pods", "portforward", PermissionScope::Namespace),
      op_requirement("get", "", "pods", "portforward", PermissionScope::Namespace),
  };
  declaration.notes = {websocket_note};
  declaration.stream_subresource = "portforward";
  return declaration;
}

Result<ForwardRequest> forward_request_from_json(const nlohmann::json& json) {
  ForwardRequest request;
  std::vector<std::string> ports;
  std::string transport = "auto";
  JsonRequest reader(json, "pf");
  reader.object_ref("target", request.target, "pod")
      .optional("namespace", request.target.namespace_)
      .required("ports", ports)
      .optional("addresses", request.options.addresses)
      .optional("transport", transport);
  if (auto read = reader.finish(); !read) return fail(read.error());
  for (const auto& spec : ports) {
    auto mapping = parse_port_spec(spec);
    if (!mapping) return fail_field("ports", mapping.error().message);
    request.ports.push_back(std::move(*mapping));
  }
  auto wire = parse_stream_transport(transport);
  if (!wire) return fail_field("transport", wire.error().message);
  request.options.transport = *wire;
  return request;
}

nlohmann::json forward_event_json(const ForwardEvent& event) {
  nlohmann::json object{{"event", std::string(to_string(event.type))}};
  switch (event.type) {
    case ForwardEvent::Type::Ready:
      object["local_address"] = event.local_address;
      object["local_port"] = event.local_port;
      object["remote_port"] = event.remote_port;
      object["pod"] = event.pod;
      object["transport"] = event.transport;
      break;
    case ForwardEvent::Type::ConnectionOpened:
    case ForwardEvent::Type::ConnectionClosed:
    case ForwardEvent::Type::ConnectionError:
      object["connection"] = event.connection;
      object["local_port"] = event.local_port;
      object["remote_port"] = event.remote_port;
      object["pod"] = event.pod;
      if (event.type == ForwardEvent::Type::ConnectionClosed) {
        object["bytes_in"] = event.bytes_in;
        object["bytes_out"] = event.bytes_out;
      }
      if (event.type == ForwardEvent::Type::ConnectionError) object["message"] = event.message;
      break;
    case ForwardEvent::Type::Retargeted:
      object["pod"] = event.pod;
      object["message"] = event.message;
      object["transport"] = event.transport;
      break;
    case ForwardEvent::Type::Closed:
      object["reason"] = event.message;
      break;
  }
  return object;
}

JsonRunner pf_json_runner(std::shared_ptr<ForwardOpV2> op) {
  return [op](const nlohmann::json& given, const CancelToken& cancel) -> JsonRun {
    nlohmann::json json = given;
    std::chrono::milliseconds keepalive = kDefaultKeepalive;
    if (auto taken = take_keepalive_field(json, keepalive); !taken)
      return JsonRun::failed(taken.error());
    auto request = forward_request_from_json(json);
    if (!request) return JsonRun::failed(request.error());
    request->options.cancel = cancel;
    auto events = op->run(ForwardRequestV2{*request, keepalive});
    return stream_as_json(
        std::move(events), forward_event_json, [] { return nlohmann::json{{"event", "end"}}; });
  };
}

}  // namespace orka::streaming
