#include "structured_lines.hpp"

#include <fmt/format.h>

#include "line_filter.hpp"
#include "orka/op.hpp"

namespace orka::streaming {

bool JsonFieldCondition::matches(const FieldText& text) const {
  if (!text) return false;
  if (regex) return RE2::PartialMatch(re2::StringPiece(text->data(), text->size()), *regex);
  return *text == value;
}

Result<JsonFieldCondition> parse_json_field_condition(std::string_view condition) {
  auto key = parse_json_path(condition, "=~");
  if (!key) {
    Error error = field_error(
        "json_fields", fmt::format("\"{}\": the key {}", condition, key.error().message));
    error.hint = "write KEY=VALUE or KEY~REGEX; KEY is a dotted path (http.status), \\. is a dot inside a key";
    return fail(std::move(error));
  }
  if (key->end == condition.size()) {
    Error error = field_error(
        "json_fields", fmt::format("\"{}\" has neither = nor ~ after the key", condition));
    error.hint = "write KEY=VALUE (the field's text exactly) or KEY~REGEX (an RE2 pattern)";
    return fail(std::move(error));
  }
  JsonFieldCondition parsed;
  parsed.key = std::move(key->path);
  const std::string rest(condition.substr(key->end + 1));
  if (condition[key->end] == '=') {
    parsed.value = rest;
    return parsed;
  }
  auto regex = compile_pattern(rest, "json_fields");
  if (!regex) {  // name the whole condition: there may be several
    const std::string& problem = regex.error().causes.front().message;
    Error error = field_error("json_fields", fmt::format("\"{}\": {}", condition, problem));
    error.hint = regex.error().hint;
    return fail(std::move(error));
  }
  parsed.regex = std::move(*regex);
  return parsed;
}

Result<StructuredLines> StructuredLines::compile(const StructuredLogOptions& options) {
  StructuredLines compiled;
  std::vector<JsonPath> paths;
  for (const auto& text : options.json_fields) {
    auto condition = parse_json_field_condition(text);
    if (!condition) return fail(condition.error());
    paths.push_back(condition->key);
    compiled.conditions_.push_back(std::move(*condition));
  }
  if (!options.output_template.empty()) {
    auto parsed = LogTemplate::parse(options.output_template);
    if (!parsed) {
      Error error = field_error("output_template", parsed.error().message);
      error.hint = "a template holds text and fields: \"{{.level}} {{.msg}}\" (docs/imperative-ops.md, Structured logs)";
      return fail(std::move(error));
    }
    for (const auto& path : parsed->fields()) paths.push_back(path);
    compiled.template_ = std::move(*parsed);
  }
  compiled.fields_ = std::make_shared<const JsonLineFields>(std::move(paths));
  return compiled;
}

StructuredLines::Verdict StructuredLines::apply(std::string_view line, std::string& rendered) const {
  if (empty()) return Verdict::Keep;
  const auto values = fields_->read(line);
  if (!values) return conditions_.empty() ? Verdict::Keep : Verdict::Drop;
  for (std::size_t i = 0; i < conditions_.size(); ++i)
    if (!conditions_[i].matches((*values)[i])) return Verdict::Drop;
  if (!template_) return Verdict::Keep;
  rendered.clear();
  template_->render(std::span<const FieldText>(*values).subspan(conditions_.size()), rendered);
  return Verdict::Rendered;
}

}  // namespace orka::streaming
