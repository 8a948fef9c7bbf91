#include "host/ops_dispatcher.hpp"

#include "orka/plugin.hpp"

namespace orka::core {

namespace {
std::size_t index_of(OpKind kind) { return static_cast<std::size_t>(kind); }

// Providers registered through Registry::provide are already guarded inside their plugin;
// the host guards again so an embedder's own OrkaOps (Host::provide) is held to the same rule.
template <class Fn>
auto guarded(Fn&& fn) noexcept -> decltype(fn()) {
  return detail::guard_call(std::forward<Fn>(fn));
}
}  // namespace

std::optional<std::string> OpsDispatcher::provider_of(OpKind kind) const {
  std::lock_guard lock(mutex_);
  const auto& slot = slots_[index_of(kind)];
  if (!slot.ops) return std::nullopt;
  return slot.owner;
}

void OpsDispatcher::set_provider(OpKind kind, std::shared_ptr<OrkaOps> ops, std::string owner) {
  std::lock_guard lock(mutex_);
  slots_[index_of(kind)] = Slot{std::move(ops), std::move(owner)};
}

std::shared_ptr<OrkaOps> OpsDispatcher::provider(OpKind kind) const {
  std::lock_guard lock(mutex_);
  return slots_[index_of(kind)].ops;
}

Stream<LogChunk> OpsDispatcher::logs(const PodRef& pod, const std::string& container,
                                     const LogOptions& options) {
  auto ops = provider(OpKind::Logs);
  if (!ops) return OrkaOps::logs(pod, container, options);
  return detail::guard_stream<Stream<LogChunk>>([&] { return ops->logs(pod, container, options); });
}

DuplexStream<ExecChunk, ExecStatus> OpsDispatcher::exec(const PodRef& pod,
                                                        const std::string& container,
                                                        const std::vector<std::string>& command,
                                                        const ExecOptions& options) {
  auto ops = provider(OpKind::Exec);
  if (!ops) return OrkaOps::exec(pod, container, command, options);
  return detail::guard_stream<DuplexStream<ExecChunk, ExecStatus>>(
      [&] { return ops->exec(pod, container, command, options); });
}

Stream<ForwardEvent> OpsDispatcher::port_forward(const ObjectRef& target_ref,
                                                 const std::vector<PortMapping>& ports,
                                                 const ForwardOptions& options) {
  auto ops = provider(OpKind::PortForward);
  if (!ops) return OrkaOps::port_forward(target_ref, ports, options);
  return detail::guard_stream<Stream<ForwardEvent>>(
      [&] { return ops->port_forward(target_ref, ports, options); });
}

Result<ScaleOutcome> OpsDispatcher::scale(const ObjectRef& target_ref, std::int32_t replicas,
                                          ScaleMode mode, const ScaleOptions& options) {
  auto ops = provider(OpKind::Scale);
  if (!ops) return OrkaOps::scale(target_ref, replicas, mode, options);
  return guarded([&] { return ops->scale(target_ref, replicas, mode, options); });
}

Result<RolloutOutcome> OpsDispatcher::rollout_restart(const ObjectRef& target_ref,
                                                      const RolloutOptions& options) {
  auto ops = provider(OpKind::RolloutRestart);
  if (!ops) return OrkaOps::rollout_restart(target_ref, options);
  return guarded([&] { return ops->rollout_restart(target_ref, options); });
}

Result<DeleteOutcome> OpsDispatcher::delete_pod(const PodRef& pod, const DeleteOptions& options) {
  auto ops = provider(OpKind::DeletePod);
  if (!ops) return OrkaOps::delete_pod(pod, options);
  return guarded([&] { return ops->delete_pod(pod, options); });
}

Result<CordonOutcome> OpsDispatcher::cordon(const std::string& node, bool on) {
  auto ops = provider(OpKind::Cordon);
  if (!ops) return OrkaOps::cordon(node, on);
  return guarded([&] { return ops->cordon(node, on); });
}

Result<DrainOutcome> OpsDispatcher::drain(const std::string& node, const DrainOptions& options) {
  auto ops = provider(OpKind::Drain);
  if (!ops) return OrkaOps::drain(node, options);
  return guarded([&] { return ops->drain(node, options); });
}

}  // namespace orka::core
