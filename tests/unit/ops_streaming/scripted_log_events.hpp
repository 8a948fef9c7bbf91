// The events a scripted logs op plays in the command tests: a line of container "app" of a pod,
// and the start of that pod's stream.
#pragma once

#include <string>
#include <utility>

#include "orka/ops/logs.hpp"

namespace orka::testing {

inline LogEvent line(std::string pod, std::string text) {
  LogEvent event;
  event.chunk = LogChunk{std::move(pod), "app", "", std::move(text)};
  return event;
}

inline LogEvent started(std::string pod) {
  LogEvent event = line(std::move(pod), "");
  event.type = LogEvent::Type::StreamStarted;
  return event;
}

}  // namespace orka::testing
