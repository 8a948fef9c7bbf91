// --output template: a JSON log line reshaped, Go-template style but field references only —
// "{{.level}} {{.http.status}} {{.msg}}". `{{"text"}}` writes text as it is (for a literal
// "{{"); everything outside {{ }} is copied. A missing field is empty. Field text is written
// with control characters escaped (\n, \u001b, ...), so a line stays one line and a log cannot
// drive the terminal.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "json_line_fields.hpp"
#include "orka/error.hpp"

namespace orka::streaming {

// A rendered line is cut here (a template can name a 1 MiB field many times).
inline constexpr std::size_t kMaxRenderedBytes = std::size_t{1} << 20;

class LogTemplate {
 public:
  // Errors are Invalid with a message about the template ("has an unclosed {{ at column 7 ..."),
  // for the caller to put after the field's name.
  static Result<LogTemplate> parse(std::string_view text);

  // The fields the template refers to, each once, in the order of their first use.
  const std::vector<JsonPath>& fields() const { return fields_; }

  // Appends the template to `out` with `values`, the text of fields() in the same order.
  void render(std::span<const FieldText> values, std::string& out) const;

 private:
  struct Piece {
    std::string literal;
    std::optional<std::size_t> field;  // an index into fields_ (then literal is empty)
  };
  std::vector<Piece> pieces_;
  std::vector<JsonPath> fields_;
};

// Appends `text` with ASCII and C1 control characters (tab excepted) escaped as JSON does.
void append_without_controls(std::string& out, std::string_view text, std::size_t limit);

}  // namespace orka::streaming
