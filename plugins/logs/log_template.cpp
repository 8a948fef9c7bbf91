#include "log_template.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace orka::streaming {
namespace {

constexpr std::string_view kHowToWrite = "a field is written {{.level}}, a nested one {{.http.status}}";

std::unexpected<Error> template_error(std::string message) {
  return fail(ErrorKind::Invalid, std::move(message));
}

std::size_t skip_blanks(std::string_view text, std::size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  return at;
}

}  // namespace

Result<LogTemplate> LogTemplate::parse(std::string_view text) {
  if (text.empty()) return template_error(fmt::format("is empty ({})", kHowToWrite));
  LogTemplate parsed;
  std::string literal;
  std::size_t at = 0;
  auto add_literal = [&] {
    if (literal.empty()) return;
    parsed.pieces_.push_back(Piece{std::move(literal), std::nullopt});
    literal.clear();
  };
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    literal.append(text.substr(at, open == std::string_view::npos ? text.size() - at : open - at));
    if (open == std::string_view::npos) break;
    const std::size_t column = open + 1;
    const std::size_t close_any = text.find("}}", open + 2);
    const std::string_view shown =
        close_any == std::string_view::npos ? text.substr(open) : text.substr(open, close_any + 2 - open);
    auto unclosed = [&] {
      return template_error(fmt::format("has an unclosed {{{{ at column {} ({})", column, kHowToWrite));
    };
    std::size_t p = skip_blanks(text, open + 2);
    if (p >= text.size()) return unclosed();
    if (text[p] == '"') {  // a literal: \" and \\ inside
      std::string quoted;
      ++p;
      while (p < text.size() && text[p] != '"') {
        if (text[p] == '\\' && p + 1 < text.size()) ++p;
        quoted.push_back(text[p++]);
      }
      if (p >= text.size())
        return template_error(fmt::format("has an unclosed \" in the {{{{ at column {}", column));
      literal += quoted;
      p = skip_blanks(text, p + 1);
    } else if (text[p] == '.') {
      auto path = parse_json_path(text.substr(p + 1), " \t}");
      if (!path)
        return template_error(fmt::format("{} at column {}: the field path {} ({})", shown, column,
                                          path.error().message, kHowToWrite));
      add_literal();
      auto same = [&](const JsonPath& known) { return known.segments == path->path.segments; };
      auto known = std::find_if(parsed.fields_.begin(), parsed.fields_.end(), same);
      const std::size_t index = static_cast<std::size_t>(known - parsed.fields_.begin());
      if (known == parsed.fields_.end()) parsed.fields_.push_back(std::move(path->path));
      parsed.pieces_.push_back(Piece{{}, index});
      p = skip_blanks(text, p + 1 + path->end);
    } else if (text.substr(p, 2) == "}}") {
      return template_error(fmt::format("has an empty {} at column {} ({})", shown, column, kHowToWrite));
    } else {
      if (close_any == std::string_view::npos) return unclosed();
      return template_error(fmt::format(
          "{} at column {} is not a field reference: only fields ({{{{.name}}}}) and quoted text "
          "({{{{\"text\"}}}}) are supported; {}",
          shown, column, kHowToWrite));
    }
    if (text.substr(p, 2) != "}}") {
      if (p >= text.size() || text.find("}}", p) == std::string_view::npos) return unclosed();
      return template_error(fmt::format("{} at column {}: unexpected \"{}\" before }}}} ({})", shown,
                                        column, text.substr(p, text.find("}}", p) - p), kHowToWrite));
    }
    at = p + 2;
  }
  add_literal();
  return parsed;
}

void LogTemplate::render(std::span<const FieldText> values, std::string& out) const {
  const std::size_t limit = out.size() + kMaxRenderedBytes;
  for (const Piece& piece : pieces_) {
    if (out.size() >= limit) break;
    if (!piece.field) {
      out.append(piece.literal.substr(0, limit - out.size()));
      continue;
    }
    const FieldText& value = values[*piece.field];
    if (value) append_without_controls(out, *value, limit);
  }
}

void append_without_controls(std::string& out, std::string_view text, std::size_t limit) {
  for (std::size_t i = 0; i < text.size() && out.size() < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool c1 = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (c1) {
      out.append(fmt::format("\\u{:04x}", static_cast<unsigned char>(text[++i])));
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if ((c < 0x20 && c != '\t') || c == 0x7F) {
      out.append(fmt::format("\\u{:04x}", c));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (out.size() > limit) out.resize(limit);
}

}  // namespace orka::streaming
