// --include / --exclude (which lines pass) and --highlight (how a passing line is shown).
// Patterns are RE2, compiled once; matching is linear in the line and allocates nothing.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "orka/error.hpp"
#include "orka/op.hpp"
#include "structured_lines.hpp"

namespace orka::streaming {

class LineFilter {
 public:
  // A field error ("include", "exclude") naming the pattern when one does not compile.
  static Result<LineFilter> compile(const std::vector<std::string>& include,
                                    const std::vector<std::string>& exclude);

  // A line passes when it matches any include pattern (or there are none) and no exclude one.
  bool passes(std::string_view line) const;
  bool empty() const { return include_.empty() && exclude_.empty() && structured_ == nullptr; }

  // The structured-log rules of the op's version 2, applied to lines that pass include/exclude.
  void set_structured(std::shared_ptr<const StructuredLines> structured) {
    structured_ = std::move(structured);
  }
  // passes(), then the structured rules: Drop, Keep (the line as it is) or Rendered (`rendered`
  // is the line to deliver).
  StructuredLines::Verdict select(std::string_view line, std::string& rendered) const {
    if (!passes(line)) return StructuredLines::Verdict::Drop;
    return structured_ == nullptr ? StructuredLines::Verdict::Keep : structured_->apply(line, rendered);
  }

 private:
  std::vector<std::shared_ptr<const RE2>> include_;
  std::vector<std::shared_ptr<const RE2>> exclude_;
  std::shared_ptr<const StructuredLines> structured_;
};

class Highlighter {
 public:
  static Result<Highlighter> compile(const std::vector<std::string>& patterns);

  // Appends `line` to `out`, wrapping every match in `begin` … `end` (terminal escapes).
  void append(std::string& out, std::string_view line, std::string_view begin,
              std::string_view end) const;
  bool empty() const { return pattern_ == nullptr; }

 private:
  std::shared_ptr<const RE2> pattern_;  // the patterns joined as alternatives
};

// Compiles one pattern of `field`; a field error with RE2's reason when it does not compile.
Result<std::shared_ptr<const RE2>> compile_pattern(const std::string& pattern,
                                                   std::string_view field);

}  // namespace orka::streaming
