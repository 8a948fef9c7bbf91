// orka::OrkaOps: the typed operations. The CLI and embedding programs call these; each op's
// implementation comes from the plugin that registered it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/ops/common.hpp"
#include "orka/ops/cordon.hpp"
#include "orka/ops/delete_pod.hpp"
#include "orka/ops/drain.hpp"
#include "orka/ops/exec.hpp"
#include "orka/ops/logs.hpp"
#include "orka/ops/port_forward.hpp"
#include "orka/ops/rollout_restart.hpp"
#include "orka/ops/scale.hpp"
#include "orka/stream.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

enum class OpKind { Logs, Exec, PortForward, Scale, RolloutRestart, DeletePod, Cordon, Drain };
inline constexpr int kOpKindCount = 8;
ORKA_API std::string_view to_string(OpKind kind);

// The typed operations. The host implements this by dispatching to the plugin registered for
// each OpKind; a plugin implements it by overriding only its op (the rest answer Unsupported).
class ORKA_API OrkaOps {
 public:
  virtual ~OrkaOps();

  virtual Stream<LogChunk> logs(const PodRef& pod, const std::string& container,
                                const LogOptions& options);
  virtual DuplexStream<ExecChunk, ExecStatus> exec(const PodRef& pod, const std::string& container,
                                                   const std::vector<std::string>& command,
                                                   const ExecOptions& options);
  virtual Stream<ForwardEvent> port_forward(const ObjectRef& target,
                                            const std::vector<PortMapping>& ports,
                                            const ForwardOptions& options);
  virtual Result<ScaleOutcome> scale(const ObjectRef& target, std::int32_t replicas,
                                     ScaleMode mode, const ScaleOptions& options);
  virtual Result<RolloutOutcome> rollout_restart(const ObjectRef& target,
                                                 const RolloutOptions& options);
  virtual Result<DeleteOutcome> delete_pod(const PodRef& pod, const DeleteOptions& options);
  virtual Result<CordonOutcome> cordon(const std::string& node, bool on);
  virtual Result<DrainOutcome> drain(const std::string& node, const DrainOptions& options);

 protected:
  static Error unsupported(OpKind kind);
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
