// The logs op: options and the lines it delivers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orka/ops/common.hpp"

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

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
