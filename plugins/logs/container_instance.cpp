#include "container_instance.hpp"

#include "orka/json_fields.hpp"

namespace orka::streaming {

std::optional<ContainerInstance> container_instance(const nlohmann::json& pod,
                                                    const std::string& container) {
  const nlohmann::json& status = json_object(pod, "status");
  for (const char* field : {"containerStatuses", "initContainerStatuses"}) {
    for (const auto& entry : json_array(status, field)) {
      if (json_string(entry, "name") != container) continue;
      ContainerInstance instance;
      instance.restarts = json_integer(entry, "restartCount", 0, 0);
      instance.id = json_string(entry, "containerID");
      const nlohmann::json& state = json_object(entry, "state");
      const nlohmann::json* ended = json_member(state, "terminated");
      if (ended == nullptr) ended = json_member(json_object(entry, "lastState"), "terminated");
      if (ended != nullptr && json_member(*ended, "exitCode") != nullptr)
        instance.last_exit_code = json_integer(*ended, "exitCode", 0);
      if (json_member(state, "running") != nullptr) {
        instance.state = ContainerInstance::State::Running;
      } else if (json_member(state, "terminated") != nullptr) {
        instance.state = ContainerInstance::State::Terminated;
      } else {
        const nlohmann::json& waiting = json_object(state, "waiting");
        instance.waiting_reason = json_string(waiting, "reason");
        instance.waiting_message = json_string(waiting, "message");
      }
      return instance;
    }
  }
  return std::nullopt;
}

NextInstance next_instance(const nlohmann::json& pod, const ContainerInstance& followed,
                           const ContainerInstance& now) {
  using State = ContainerInstance::State;
  const bool created = now.state != State::Waiting;
  // A restart count that went back (a status read before the kubelet's update) is no new
  // instance; a changed container ID is one even when the count lags.
  const bool other_id = !followed.id.empty() && !now.id.empty() && now.id != followed.id;
  if (created && (now.restarts > followed.restarts || other_id)) return NextInstance::Started;
  if (now.state == State::Running) return NextInstance::Resume;
  // The followed instance ended; whether another comes is the pod's restart policy (a pod that
  // finished, Succeeded or Failed, starts none).
  const std::string phase = json_string(json_object(pod, "status"), "phase");
  if (phase == "Succeeded" || phase == "Failed") return NextInstance::Final;
  const std::string policy = json_string(json_object(pod, "spec"), "restartPolicy", "Always");
  if (policy == "Never") return NextInstance::Final;
  if (policy == "OnFailure") {
    if (now.last_exit_code && *now.last_exit_code == 0) return NextInstance::Final;
  }
  return NextInstance::Waiting;
}

}  // namespace orka::streaming
