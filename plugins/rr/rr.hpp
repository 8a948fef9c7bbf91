// The rollout-restart op: patch the pod template annotation kubectl.kubernetes.io/restartedAt
// of a deployment, statefulset or daemonset, then (--wait) follow the rollout with kubectl's
// rollout-status rules.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "orka/command.hpp"
#include "orka/ops.hpp"
#include "orka/services.hpp"

namespace orka::rr {

inline constexpr const char* kRestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

// The strategic merge patch that sets the annotation (the only thing it changes).
nlohmann::json restart_patch(const std::string& restarted_at);

struct RolloutStatus {
  enum class State { Waiting, Done, Failed };
  State state = State::Waiting;
  std::string message;
};

// kubectl's rollout-status rules, for `kind` "Deployment", "StatefulSet" or "DaemonSet":
//  Deployment  — judged once generation <= observedGeneration; Failed on condition Progressing
//                with reason ProgressDeadlineExceeded; Waiting while updatedReplicas <
//                spec.replicas, replicas > updatedReplicas, or availableReplicas < updatedReplicas.
//  DaemonSet   — RollingUpdate only; Waiting until updatedNumberScheduled and numberAvailable
//                reach desiredNumberScheduled.
//  StatefulSet — RollingUpdate only; Waiting until readyReplicas reaches spec.replicas and
//                updatedReplicas reaches replicas - partition (or, without a rollingUpdate
//                block, until updateRevision equals currentRevision).
RolloutStatus rollout_status(const std::string& kind, const nlohmann::json& object);

class RolloutOps final : public RolloutRestartOp {
 public:
  explicit RolloutOps(Services& services) : services_(services) {}
  Result<RolloutOutcome> run(const RolloutRequest& request) override;

 private:
  Services& services_;
};

// What `orka ops caps` shows for rr.
OpDeclaration rr_declaration();

// The JSON forms: the request ({"target": "deploy/web", "namespace": "x", "wait": true,
// "timeout": "5m"}) and the result object `orka ops rr --json` prints per object.
Result<RolloutRequest> rr_request_from_json(const nlohmann::json& request);
nlohmann::json rr_result_json(const RolloutOutcome& outcome, bool waited);
JsonRunner rr_json_runner(std::shared_ptr<RolloutRestartOp> op);

CommandSpec rr_command();

}  // namespace orka::rr
