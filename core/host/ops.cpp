// OrkaOps's out-of-line parts: the "no plugin provides this op" defaults a plugin inherits for
// every op it does not implement, and the names used in messages and JSON.
#include "orka/ops.hpp"

#include <string>

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

std::string_view to_string(OpKind kind) {
  switch (kind) {
    case OpKind::Logs: return "logs";
    case OpKind::Exec: return "exec";
    case OpKind::PortForward: return "port-forward";
    case OpKind::Scale: return "scale";
    case OpKind::RolloutRestart: return "rollout-restart";
    case OpKind::DeletePod: return "delete";
    case OpKind::Cordon: return "cordon";
    case OpKind::Drain: return "drain";
  }
  return "unknown";
}

std::string_view to_string(ForwardEvent::Type type) {
  switch (type) {
    case ForwardEvent::Type::Ready: return "ready";
    case ForwardEvent::Type::ConnectionOpened: return "connection_opened";
    case ForwardEvent::Type::ConnectionClosed: return "connection_closed";
    case ForwardEvent::Type::ConnectionError: return "connection_error";
    case ForwardEvent::Type::Retargeted: return "retargeted";
    case ForwardEvent::Type::Closed: return "closed";
  }
  return "unknown";
}

OrkaOps::~OrkaOps() = default;

Error OrkaOps::unsupported(OpKind kind) {
  return make_error(ErrorKind::Unsupported,
                    "no plugin provides the " + std::string(to_string(kind)) + " op",
                    "run `orka plugins` to see what loaded");
}

Stream<LogChunk> OrkaOps::logs(const PodRef&, const std::string&, const LogOptions&) {
  return Stream<LogChunk>::failed(unsupported(OpKind::Logs));
}

DuplexStream<ExecChunk, ExecStatus> OrkaOps::exec(const PodRef&, const std::string&,
                                                  const std::vector<std::string>&,
                                                  const ExecOptions&) {
  return DuplexStream<ExecChunk, ExecStatus>::failed(unsupported(OpKind::Exec));
}

Stream<ForwardEvent> OrkaOps::port_forward(const ObjectRef&, const std::vector<PortMapping>&,
                                           const ForwardOptions&) {
  return Stream<ForwardEvent>::failed(unsupported(OpKind::PortForward));
}

Result<ScaleOutcome> OrkaOps::scale(const ObjectRef&, std::int32_t, ScaleMode,
                                    const ScaleOptions&) {
  return std::unexpected(unsupported(OpKind::Scale));
}

Result<RolloutOutcome> OrkaOps::rollout_restart(const ObjectRef&, const RolloutOptions&) {
  return std::unexpected(unsupported(OpKind::RolloutRestart));
}

Result<DeleteOutcome> OrkaOps::delete_pod(const PodRef&, const DeleteOptions&) {
  return std::unexpected(unsupported(OpKind::DeletePod));
}

Result<CordonOutcome> OrkaOps::cordon(const std::string&, bool) {
  return std::unexpected(unsupported(OpKind::Cordon));
}

Result<DrainOutcome> OrkaOps::drain(const std::string&, const DrainOptions&) {
  return std::unexpected(unsupported(OpKind::Drain));
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
