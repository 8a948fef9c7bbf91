// One container's log as lines, resumed across broken connections: what every stream of the logs
// op (logs_op.hpp) runs.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "line_filter.hpp"
#include "orka/client.hpp"
#include "orka/ops/logs.hpp"
#include "orka/stream.hpp"

namespace orka::streaming {

class StallWatch;

// How a followed log waits for a container's next instance: the pod is looked at again after
// `first_recheck`, doubling up to `max_recheck` (the kubelet's own back-off starts at 10 s, so
// an instance is never missed), until the instance starts or none will.
struct RestartFollowing {
  std::chrono::milliseconds first_recheck{250};
  std::chrono::milliseconds max_recheck{2000};
  // Told (for -v) what the container waits for between instances, once per change; may be empty.
  std::function<void(std::string_view)> note;
};

// Reads the log of `pod`/`container` into `out` as LogEvent::Line items, a read at a time, until
// the log ends (without follow), the container stops for good or the pod goes away (with
// follow), `out` is cancelled or its consumer is gone. A cut connection is reopened from the
// last timestamp seen; lines already delivered are not delivered again. With follow, a container
// that restarts is followed into its next instance: a StreamStarted event whose `count` is the
// restart count, then the new instance's log from its first line. Lines `filter` rejects are
// dropped. With `stalls`, a followed connection that stays silent while the container's log
// has newer lines (the kubelet rotated the file) is closed and resumed like a cut one.
Result<void> stream_container_log(Client& client, const std::string& namespace_,
                                  const std::string& pod, const std::string& container,
                                  const LogOptions& options, const LineFilter& filter,
                                  StreamWriter<LogEvent>& out,
                                  const RestartFollowing& restarts = {},
                                  StallWatch* stalls = nullptr);

// The request path of one log request; `resume_since_time` overrides the options' since/tail.
std::string log_path(const std::string& namespace_, const std::string& pod,
                     const std::string& container, const LogOptions& options,
                     const std::string& resume_since_time);

}  // namespace orka::streaming
