// The scale op: set the replica count of anything discovery says is scalable.
//   subresource mode: PATCH .../scale; with --current-replicas GET the scale, check it, PUT it
//                     back with its resourceVersion, and retry on Conflict.
//   apply mode:       server-side apply of spec.replicas only, field manager "orka".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "orka/command.hpp"
#include "orka/discovery.hpp"
#include "orka/ops.hpp"
#include "orka/services.hpp"

namespace orka::scale {

inline constexpr const char* kFieldManager = "orka";

// "deployments.apps/web", "statefulsets.apps/db", "foos.example.com/x", "replicationcontrollers/r".
std::string display_name(const ApiResource& resource, const std::string& name);

// The server-side apply body: apiVersion, kind, metadata.name (+namespace, + resourceVersion as
// a precondition when given) and spec.replicas, nothing else.
nlohmann::json apply_body(const ApiResource& resource, const std::string& namespace_,
                          const std::string& name, std::int32_t replicas,
                          const std::string& resource_version);

// Where --wait stands for an object after scaling to `requested`.
struct ScaleProgress {
  enum class State { Waiting, Done, Failed };
  State state = State::Waiting;
  std::string message;  // the counts waited for, e.g. "2 of 3 ready (3 present)"
};

// What "ready" means for a kind, by the status fields its controller keeps.
enum class ReadyRule {
  UpdatedAndAvailable,  // Deployment: updatedReplicas and availableReplicas
  ReadyAndAvailable,    // ReplicaSet, ReplicationController: readyReplicas and availableReplicas
  Ready,                // StatefulSet: readyReplicas
  PresentOnly,          // anything else with a scale subresource: status.replicas only
};
ReadyRule ready_rule(const ApiResource& resource);

// Done once metadata.generation <= status.observedGeneration (when the object reports one),
// spec.replicas == status.replicas == requested and, by `rule`, that many replicas ready.
// Failed when spec.replicas no longer is the requested count (another client or an autoscaler
// changed it).
ScaleProgress scale_progress(const nlohmann::json& object, std::int32_t requested,
                             const std::string& display, ReadyRule rule);

// The manager named in an apply conflict message ("conflict with \"helm\" using apps/v1: ..."),
// empty when the message names none.
std::string conflicting_manager(const std::string& message);

// The request's own rules (field errors), checked before any request is sent.
Result<void> validate_scale_request(const ScaleRequest& request);

class ScaleOps final : public ScaleOp {
 public:
  explicit ScaleOps(Services& services) : services_(services) {}
  Result<ScaleOutcome> run(const ScaleRequest& request) override;

 private:
  Services& services_;
};

// What `orka ops caps` shows for scale.
OpDeclaration scale_declaration();

// The JSON forms: the request ({"target": "deploy/web", "replicas": 3, "mode": "apply",
// "current_replicas": 2, "force_conflicts": false, "wait": true, "timeout": "2m",
// "namespace": "x"}) and the result object `orka ops scale --json` prints last.
Result<ScaleRequest> scale_request_from_json(const nlohmann::json& request);
nlohmann::json scale_result_json(const ScaleOutcome& outcome, ScaleMode mode);
JsonRunner scale_json_runner(std::shared_ptr<ScaleOp> op);

CommandSpec scale_command();

}  // namespace orka::scale
