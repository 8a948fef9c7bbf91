// One container's log as lines, resumed across broken connections: what every stream of the logs
// op (logs_op.hpp) runs.
#pragma once

#include <string>

#include "line_filter.hpp"
#include "orka/client.hpp"
#include "orka/ops/logs.hpp"
#include "orka/stream.hpp"

namespace orka::streaming {

// Reads the log of `pod`/`container` into `out` as LogEvent::Line items, a read at a time, until
// the log ends (without follow), the container stops or the pod goes away (with follow), `out`
// is cancelled or its consumer is gone. A cut connection is reopened from the last timestamp
// seen; lines already delivered are not delivered again. Lines `filter` rejects are dropped.
Result<void> stream_container_log(Client& client, const std::string& namespace_,
                                  const std::string& pod, const std::string& container,
                                  const LogOptions& options, const LineFilter& filter,
                                  StreamWriter<LogEvent>& out);

// The request path of one log request; `resume_since_time` overrides the options' since/tail.
std::string log_path(const std::string& namespace_, const std::string& pod,
                     const std::string& container, const LogOptions& options,
                     const std::string& resume_since_time);

}  // namespace orka::streaming
