// Structured logs (the logs op's version 2): --json-field conditions on the fields of JSON log
// lines, and --output template. Compiled once per request and shared by every stream of it;
// applied to each line inside the op, before the bounded queue, so lines it drops never take a
// place there (nor count as dropped).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "json_line_fields.hpp"
#include "log_template.hpp"
#include "orka/error.hpp"
#include "orka/ops/logs_v2.hpp"

namespace orka::streaming {

// One --json-field: KEY=VALUE (exact text) or KEY~REGEX (RE2, unanchored).
struct JsonFieldCondition {
  JsonPath key;
  std::string value;                  // with `=`
  std::shared_ptr<const RE2> regex;   // with `~`
  bool matches(const FieldText& text) const;
};

// A field error on "json_fields" naming the condition, when it is not KEY=VALUE or KEY~REGEX.
Result<JsonFieldCondition> parse_json_field_condition(std::string_view condition);

class StructuredLines {
 public:
  // Field errors on "json_fields" / "output_template" naming what is wrong.
  static Result<StructuredLines> compile(const StructuredLogOptions& options);

  bool empty() const { return conditions_.empty() && !template_; }

  enum class Verdict { Drop, Keep, Rendered };
  // Drop: the line fails a condition (or is not a JSON object while there are conditions).
  // Keep: it passes as it is. Rendered: it passes as `rendered` (replaced, not appended to).
  Verdict apply(std::string_view line, std::string& rendered) const;

 private:
  std::vector<JsonFieldCondition> conditions_;
  std::optional<LogTemplate> template_;
  std::shared_ptr<const JsonLineFields> fields_;  // the conditions' keys, then the template's
};

}  // namespace orka::streaming
