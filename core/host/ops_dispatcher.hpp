// The host's OrkaOps: each call goes to the implementation registered for that op, or answers
// Unsupported ("no plugin provides ...") when nothing registered one.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "orka/ops.hpp"

namespace orka::core {

class OpsDispatcher final : public OrkaOps {
 public:
  // Which owner already provides `kind`, or nullopt.
  std::optional<std::string> provider_of(OpKind kind) const;
  void set_provider(OpKind kind, std::shared_ptr<OrkaOps> ops, std::string owner);

  Stream<LogChunk> logs(const PodRef& pod, const std::string& container,
                        const LogOptions& options) override;
  DuplexStream<ExecChunk, ExecStatus> exec(const PodRef& pod, const std::string& container,
                                           const std::vector<std::string>& command,
                                           const ExecOptions& options) override;
  Stream<ForwardEvent> port_forward(const ObjectRef& target, const std::vector<PortMapping>& ports,
                                    const ForwardOptions& options) override;
  Result<ScaleOutcome> scale(const ObjectRef& target, std::int32_t replicas, ScaleMode mode,
                             const ScaleOptions& options) override;
  Result<RolloutOutcome> rollout_restart(const ObjectRef& target,
                                         const RolloutOptions& options) override;
  Result<DeleteOutcome> delete_pod(const PodRef& pod, const DeleteOptions& options) override;
  Result<CordonOutcome> cordon(const std::string& node, bool on) override;
  Result<DrainOutcome> drain(const std::string& node, const DrainOptions& options) override;

 private:
  // The provider for `kind`, or null (then the inherited Unsupported answer applies).
  std::shared_ptr<OrkaOps> provider(OpKind kind) const;

  struct Slot {
    std::shared_ptr<OrkaOps> ops;
    std::string owner;
  };
  mutable std::mutex mutex_;
  std::array<Slot, kOpKindCount> slots_;
};

}  // namespace orka::core
