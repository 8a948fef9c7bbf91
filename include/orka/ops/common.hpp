// What every op shares: object references, progress reports, the stream wire-form choice.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "orka/error.hpp"
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

// "deploy/web", "deployments.apps/web" → {"", type, name}; with `default_type`, a bare name is
// that type ("web-0" → pod). A field error about `field` when the text is no TYPE/NAME (no
// type, an empty part, or a second slash).
ORKA_API Result<ObjectRef> parse_object_ref(std::string_view text, std::string_view field,
                                            std::string_view default_type = {});

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
