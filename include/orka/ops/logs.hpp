// The logs op: the logs of a pod, a workload or a label selector, followed across new pods,
// delivered as one stream of events (lines, and what happened to each pod's stream).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include <memory>

#include "orka/cancel.hpp"
#include "orka/error.hpp"
#include "orka/op.hpp"
#include "orka/ops/common.hpp"
#include "orka/stream.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct LogOptions {
  bool follow = false;
  std::optional<std::int64_t> tail_lines;
  std::optional<std::int64_t> since_seconds;
  std::optional<std::string> since_time;  // RFC 3339
  bool timestamps = false;                // put the server timestamp in LogChunk::timestamp
  bool previous = false;
  std::optional<std::int64_t> limit_bytes;
  std::vector<std::string> include;  // RE2; a line must match one of them (when any)
  std::vector<std::string> exclude;  // RE2; a line matching any of them is dropped
  std::size_t buffer_lines = 10000;  // bounded channel capacity; oldest dropped beyond it
};

struct LogChunk {
  std::string pod;
  std::string container;
  std::string timestamp;  // RFC 3339 from the server when known, else empty
  std::string line;       // without the trailing newline
};

inline constexpr std::size_t kDefaultMaxLogStreams = 50;
// Error::reason of the Refused error when more streams match at the start than max_streams.
inline constexpr std::string_view kTooManyLogStreams = "TooManyLogStreams";

struct LogsRequest {
  std::string namespace_;  // empty: the default namespace
  // What to read: a pod ("web-0", "pod/web-0") or a workload ("deploy/web", "sts/db", "job/x",
  // "rs/y", "ds/z"), or else `selector`. Exactly one of the two.
  std::string target;
  std::string selector;  // a label selector ("app=web,tier!=db")
  std::string container;        // empty: each pod's default container
  bool all_containers = false;  // every container of each pod (not with `container`)
  bool init_containers = false;  // with all_containers: init containers too
  LogOptions log;
  // Most streams (pods × containers) at once; more matching at the start is refused (Refused,
  // naming the count), more appearing later are reported as NotFollowed.
  std::size_t max_streams = kDefaultMaxLogStreams;
  CancelToken cancel;  // also Stream::cancel(); either ends the op
};

struct LogEvent {
  enum class Type {
    Line,           // chunk is a line
    StreamStarted,  // chunk.pod/container: a stream begins (every initial one before any line);
                    // with `count` > 0, a followed container's new instance (restart `count`)
    StreamEnded,    // the stream ended: its log ended, or the pod went away while followed
    StreamFailed,   // the stream ended with `error`; the others go on
    NotFollowed,    // a pod appeared while following but max_streams was reached (`count`)
    NoPods,         // nothing matched; `chunk.line` says what was looked for
  };
  Type type = Type::Line;
  LogChunk chunk;
  std::uint64_t count = 0;  // NotFollowed: the limit; StreamStarted: the restart count of a
                            // new instance, 0 when a stream begins
  std::shared_ptr<const Error> error;  // StreamFailed
};
ORKA_API std::string_view to_string(LogEvent::Type type);

struct LogsOutcome {
  std::size_t streams = 0;  // streams started in all
  std::size_t failed = 0;   // of them, ended with an error
};

// Streams the logs. Lines dropped for a slow reader are counted in Received::dropped_before.
// One stream's failure is an event; the outcome fails when any stream failed (a single pod's
// error as it is; several: how many, the first's message). Invalid fields: target/selector
// (none or both), container/all_containers (both), init_containers (without all_containers),
// log.tail_lines, log.since_seconds, log.since_time (with since_seconds, or not RFC 3339),
// log.limit_bytes, log.include/log.exclude (not RE2), max_streams, log.buffer_lines (0).
struct LogsOp : TypedOp<LogsRequest, Stream<LogEvent, LogsOutcome>> {
  static constexpr OpId kId{"logs", 1};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
