// Version 2 of the logs op: version 1's request, events and outcome (orka/ops/logs.hpp), plus
// filters on the fields of JSON log lines and a template that reshapes them — applied inside the
// op, before the bounded queue, like LogOptions::include. Version 1 stays provided beside it
// (docs/plugins.md: an op interface never changes). The rules are in docs/imperative-ops.md,
// "Structured logs".
#pragma once

#include <string>
#include <vector>

#include "orka/op.hpp"
#include "orka/ops/logs.hpp"
#include "orka/stream.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct StructuredLogOptions {
  // Each "KEY=VALUE" (the field's text is VALUE exactly) or "KEY~REGEX" (RE2, unanchored, on the
  // field's text). KEY is a dotted path ("http.status", "items.0.id"); `\` makes the next
  // character literal ("k8s\.io/name"). A line passes when it is a JSON object and every one
  // matches; other lines are dropped.
  std::vector<std::string> json_fields;
  // "{{.level}} {{.msg}}": a JSON object line is replaced by the template with its fields; a
  // missing field is empty; a line that is not a JSON object passes as it is. Empty: lines are
  // delivered as they are.
  std::string output_template;
};

struct LogsRequestV2 {
  LogsRequest base;  // what version 1 takes (its cancel token ends the op)
  StructuredLogOptions structured;
};

// Invalid fields: as version 1, and structured.json_fields ("json_fields": no = or ~, a bad
// key, a bad RE2), structured.output_template ("output_template": unclosed {{, a reference
// that is not .PATH, a bad path).
struct LogsOpV2 : TypedOp<LogsRequestV2, Stream<LogEvent, LogsOutcome>> {
  static constexpr OpId kId{"logs", 2};
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
