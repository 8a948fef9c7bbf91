// Which instance of a container a followed log reads, and what the pod's status says about the
// next one: the facts behind following a container across restarts (logs.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace orka::streaming {

// One container's status as the pod reports it.
struct ContainerInstance {
  std::int64_t restarts = 0;  // status.containerStatuses[].restartCount
  std::string id;             // containerID ("containerd://…"); empty before it was created
  enum class State { Running, Terminated, Waiting } state = State::Waiting;
  std::string waiting_reason;   // "CrashLoopBackOff", …
  std::string waiting_message;  // the kubelet's "back-off 20s restarting failed container=…"
  // The exit code of the instance that ended last: this one when terminated, else the one
  // before it (lastState); nullopt when neither says.
  std::optional<std::int64_t> last_exit_code;
};

// The status of `container` in `pod` (containers and init containers); nullopt when absent.
std::optional<ContainerInstance> container_instance(const nlohmann::json& pod,
                                                    const std::string& container);

// What a followed log does once the instance it read (`followed`) has ended or its
// connection broke, judged from the pod now.
enum class NextInstance {
  Resume,       // the same instance still runs (or nothing tells otherwise): read on
  Started,      // a new instance was created (running or already ended): read it whole
  Waiting,      // between instances (back-off, or not yet restarted): look again later
  Final,        // no instance follows (restartPolicy Never, OnFailure after success, pod done)
};
NextInstance next_instance(const nlohmann::json& pod, const ContainerInstance& followed,
                           const ContainerInstance& now);

}  // namespace orka::streaming
