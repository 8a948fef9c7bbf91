// Structured logs: --json-field conditions, --output template and the JSON line they read, all
// three from the input. The input is "TEMPLATE\0CONDITION\nCONDITION...\0LINE" (a part left out
// is empty). Compiling either succeeds or is an Invalid error naming its field; applying never
// fails; a line read as JSON is JSON nlohmann accepts, and a string field's text is what
// nlohmann's own document holds; a rendered line stays within kMaxRenderedBytes and, when the
// template's own text has none, carries no newline and no control character but tab.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "json_line_fields.hpp"
#include "structured_lines.hpp"

using namespace orka::streaming;

namespace {

std::string_view part(std::string_view& rest) {
  const auto nul = rest.find('\0');
  const std::string_view head = rest.substr(0, nul);
  rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  return head;
}

bool has_controls(std::string_view text) {
  for (unsigned char c : text)
    if ((c < 0x20 && c != '\t') || c == 0x7F) return true;
  return false;
}

// The string at `path` in `document` when every step is an object key, else nullptr.
const nlohmann::json* string_at(const nlohmann::json& document, const JsonPath& path) {
  const nlohmann::json* at = &document;
  for (const auto& segment : path.segments) {
    if (!at->is_object()) return nullptr;
    auto found = at->find(segment);
    if (found == at->end()) return nullptr;
    at = &*found;
  }
  return at->is_string() ? at : nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = orka_fuzz::as_text(data, size);
  const std::string_view template_text = part(rest);
  const std::string_view conditions_text = part(rest);
  const std::string_view line = rest;

  orka::StructuredLogOptions options;
  options.output_template.assign(template_text);
  std::size_t from = 0;
  while (!conditions_text.empty() && from <= conditions_text.size()) {
    const auto newline = conditions_text.find('\n', from);
    options.json_fields.emplace_back(conditions_text.substr(from, newline - from));
    if (newline == std::string_view::npos) break;
    from = newline + 1;
  }

  auto compiled = StructuredLines::compile(options);
  if (!compiled) {
    const orka::Error& error = compiled.error();
    ORKA_FUZZ_CHECK(error.kind == orka::ErrorKind::Invalid);
    ORKA_FUZZ_CHECK(!error.message.empty() && !error.hint.empty());
    ORKA_FUZZ_CHECK(!error.causes.empty());
    ORKA_FUZZ_CHECK(error.causes.front().field == "json_fields" ||
                    error.causes.front().field == "output_template");
  } else {
    std::string rendered;
    const auto verdict = compiled->apply(line, rendered);
    if (compiled->empty()) ORKA_FUZZ_CHECK(verdict == StructuredLines::Verdict::Keep);
    if (verdict == StructuredLines::Verdict::Rendered) {
      ORKA_FUZZ_CHECK(rendered.size() <= kMaxRenderedBytes);
      if (!has_controls(template_text)) ORKA_FUZZ_CHECK(!has_controls(rendered));
    }
  }

  // The reader against nlohmann's document, for the paths the conditions name.
  std::vector<JsonPath> paths;
  for (const auto& condition : options.json_fields)
    if (auto parsed = parse_json_path(condition, "=~")) paths.push_back(parsed->path);
  const auto values = JsonLineFields(paths).read(line);
  if (!values) return 0;
  ORKA_FUZZ_CHECK(values->size() == paths.size());
  ORKA_FUZZ_CHECK(nlohmann::json::accept(line));
  const auto document = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  ORKA_FUZZ_CHECK(document.is_object());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const nlohmann::json* text = string_at(document, paths[i]);
    if (text != nullptr) {  // reached through object keys only (string_at), so the same value
      ORKA_FUZZ_CHECK((*values)[i].has_value());
      ORKA_FUZZ_CHECK(*(*values)[i] == text->get_ref<const std::string&>().substr(0, kMaxFieldBytes));
    }
  }
  return 0;
}
