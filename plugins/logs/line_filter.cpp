#include "line_filter.hpp"

#include <fmt/format.h>

namespace orka::streaming {

Result<std::shared_ptr<const RE2>> compile_pattern(const std::string& pattern,
                                                   std::string_view field) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  if (!re->ok()) {
    Error error = field_error(field, fmt::format("\"{}\" is not a valid regular expression: {}",
                                                 pattern, re->error()));
    error.hint = "patterns use RE2 syntax (https://github.com/google/re2/wiki/Syntax)";
    return fail(std::move(error));
  }
  return re;
}

Result<LineFilter> LineFilter::compile(const std::vector<std::string>& include,
                                       const std::vector<std::string>& exclude) {
  LineFilter filter;
  for (const auto& p : include) {
    auto re = compile_pattern(p, "include");
    if (!re) return fail(re.error());
    filter.include_.push_back(std::move(*re));
  }
  for (const auto& p : exclude) {
    auto re = compile_pattern(p, "exclude");
    if (!re) return fail(re.error());
    filter.exclude_.push_back(std::move(*re));
  }
  return filter;
}

bool LineFilter::passes(std::string_view line) const {
  const re2::StringPiece text(line.data(), line.size());
  if (!include_.empty()) {
    bool any = false;
    for (const auto& re : include_) {
      if (RE2::PartialMatch(text, *re)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  for (const auto& re : exclude_)
    if (RE2::PartialMatch(text, *re)) return false;
  return true;
}

Result<Highlighter> Highlighter::compile(const std::vector<std::string>& patterns) {
  Highlighter h;
  if (patterns.empty()) return h;
  for (const auto& p : patterns) {  // each alone first, so an error names the bad one
    auto re = compile_pattern(p, "highlight");
    if (!re) return fail(re.error());
  }
  std::string joined;
  for (const auto& p : patterns) {
    if (!joined.empty()) joined += '|';
    joined += "(?:" + p + ")";
  }
  auto re = compile_pattern(joined, "highlight");
  if (!re) return fail(re.error());
  h.pattern_ = std::move(*re);
  return h;
}

void Highlighter::append(std::string& out, std::string_view line, std::string_view begin,
                         std::string_view end) const {
  if (pattern_ == nullptr) {
    out.append(line);
    return;
  }
  const re2::StringPiece text(line.data(), line.size());
  std::size_t at = 0;
  re2::StringPiece match;
  while (at <= line.size() &&
         pattern_->Match(text, at, line.size(), RE2::UNANCHORED, &match, 1)) {
    const std::size_t start = static_cast<std::size_t>(match.data() - line.data());
    out.append(line.substr(at, start - at));
    if (match.empty()) {  // an empty match highlights nothing; step past it
      if (start >= line.size()) {
        at = line.size();
        break;
      }
      out.push_back(line[start]);
      at = start + 1;
      continue;
    }
    out.append(begin);
    out.append(match.data(), match.size());
    out.append(end);
    at = start + match.size();
  }
  if (at < line.size()) out.append(line.substr(at));
}

}  // namespace orka::streaming
