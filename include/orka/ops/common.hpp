// What every op shares: object references, progress reports, the stream wire-form choice.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// A namespaced object named the way a user types it. An empty namespace_ means the host's
// default namespace; an empty type means a pod.
struct ObjectRef {
  std::string namespace_;
  std::string type;  // "pod", "deploy", "deployments.apps", "svc", "sts", ...
  std::string name;
};

struct PodRef {
  std::string namespace_;
  std::string name;
};

// Progress of a long-running op (waits, drains). Callbacks run on the op's thread and must
// not throw.
struct ProgressEvent {
  std::string phase;    // short machine-readable word: "waiting", "evicting", "done", ...
  std::string message;  // one line for a human
  nlohmann::json data;  // details for --json
};
using ProgressFn = std::function<void(const ProgressEvent&)>;

enum class StreamTransport { Auto, WebSocket, Spdy };

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
