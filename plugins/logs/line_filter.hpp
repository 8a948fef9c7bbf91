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

namespace orka::streaming {

class LineFilter {
 public:
  // A field error ("include", "exclude") naming the pattern when one does not compile.
  static Result<LineFilter> compile(const std::vector<std::string>& include,
                                    const std::vector<std::string>& exclude);

  // A line passes when it matches any include pattern (or there are none) and no exclude one.
  bool passes(std::string_view line) const;
  bool empty() const { return include_.empty() && exclude_.empty(); }

 private:
  std::vector<std::shared_ptr<const RE2>> include_;
  std::vector<std::shared_ptr<const RE2>> exclude_;
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
