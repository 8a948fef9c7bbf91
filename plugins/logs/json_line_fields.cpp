#include "json_line_fields.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

namespace orka::streaming {
namespace {

using json = nlohmann::json;

// An all-digit segment of up to 18 digits (no overflow) may also index an array.
std::optional<std::size_t> index_of(std::string_view segment) {
  if (segment.empty() || segment.size() > 18) return std::nullopt;
  std::size_t value = 0;
  auto [end, error] = std::from_chars(segment.data(), segment.data() + segment.size(), value);
  if (error != std::errc() || end != segment.data() + segment.size()) return std::nullopt;
  return value;
}

std::string json_quoted(const std::string& text) {
  return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

// The SAX handler: walks the line keeping the path to the current value, and the text of the
// values whose path was asked for. Returning false ends the parse (the line is then not used).
class FieldCollector {
 public:
  FieldCollector(const std::vector<JsonPath>& paths,
                 const std::vector<std::vector<std::optional<std::size_t>>>& indexes)
      : paths_(paths), indexes_(indexes), found_(paths.size()) {}

  std::vector<FieldText> take() { return std::move(found_); }

  bool null() { return scalar("null"); }
  bool boolean(bool value) { return scalar(value ? "true" : "false"); }
  bool number_integer(json::number_integer_t value) { return scalar(std::to_string(value)); }
  bool number_unsigned(json::number_unsigned_t value) { return scalar(std::to_string(value)); }
  bool number_float(json::number_float_t, const std::string& written) { return scalar(written); }
  bool string(std::string& value) {
    if (levels_.empty() || !value_starts()) return false;
    for (auto& capture : captures_) append(capture, json_quoted(value));
    for (std::size_t i : matches()) found_[i] = value.substr(0, kMaxFieldBytes);
    return true;
  }
  bool binary(json::binary_t&) { return false; }  // not in JSON text

  bool start_object(std::size_t) { return open('{', /*array=*/false); }
  bool start_array(std::size_t) { return open('[', /*array=*/true); }
  bool end_object() { return close('}'); }
  bool end_array() { return close(']'); }

  bool key(std::string& name) {
    levels_.back().key = name;
    for (auto& capture : captures_) {
      if (capture.has_items.back()) append(capture, ",");
      capture.has_items.back() = true;
      append(capture, json_quoted(name));
      append(capture, ":");
      capture.after_key = true;
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  struct Level {
    bool array = false;
    std::string key;        // an object's current key
    std::size_t index = 0;  // an array's current element
    std::size_t count = 0;  // an array's elements so far
  };
  // A value asked for that is an object or an array, written out as compact JSON as it goes.
  struct Capture {
    std::size_t path = 0;
    std::string text;
    std::vector<bool> has_items;  // per container open inside the value: whether it has one yet
    bool after_key = false;
  };

  // Where a value begins: at the top only an object; in an array it is the next element.
  bool value_starts() {
    if (levels_.empty()) return !top_seen_;
    Level& level = levels_.back();
    if (level.array) level.index = level.count++;
    for (auto& capture : captures_) {
      if (capture.after_key) {
        capture.after_key = false;
      } else if (!capture.has_items.empty()) {
        if (capture.has_items.back()) append(capture, ",");
        capture.has_items.back() = true;
      }
    }
    return true;
  }

  bool scalar(const std::string& text) {
    if (levels_.empty()) return false;  // a line that is a bare number, string, ...
    if (!value_starts()) return false;
    for (auto& capture : captures_) append(capture, text);
    for (std::size_t i : matches()) found_[i] = text;
    return true;
  }

  bool open(char bracket, bool array) {
    if (levels_.empty() && (array || top_seen_)) return false;  // only one object per line
    if (levels_.size() >= kMaxJsonDepth) return false;
    if (!value_starts()) return false;
    for (std::size_t i : matches()) captures_.push_back(Capture{i, {}, {}, false});
    for (auto& capture : captures_) {
      append(capture, std::string_view(&bracket, 1));
      capture.has_items.push_back(false);
    }
    top_seen_ = true;
    levels_.push_back(Level{array, {}, 0, 0});
    return true;
  }

  bool close(char bracket) {
    levels_.pop_back();
    for (auto it = captures_.begin(); it != captures_.end();) {
      append(*it, std::string_view(&bracket, 1));
      it->has_items.pop_back();
      if (it->has_items.empty()) {
        found_[it->path] = std::move(it->text);
        it = captures_.erase(it);
      } else {
        ++it;
      }
    }
    return true;
  }

  static void append(Capture& capture, std::string_view text) {
    if (capture.text.size() + text.size() <= kMaxFieldBytes) capture.text.append(text);
  }

  // The asked-for paths that name the value beginning now (the path of levels_). Paths below
  // it forget what an earlier value of the same key held: a key given twice counts as its last.
  const std::vector<std::size_t>& matches() {
    matched_.clear();
    for (std::size_t i = 0; i < paths_.size(); ++i) {
      const auto& segments = paths_[i].segments;
      if (segments.size() < levels_.size()) continue;
      bool same = true;
      for (std::size_t d = 0; d < levels_.size() && same; ++d) {
        const Level& level = levels_[d];
        same = level.array ? indexes_[i][d] == level.index : level.key == segments[d];
      }
      if (!same) continue;
      if (segments.size() == levels_.size())
        matched_.push_back(i);
      else
        found_[i].reset();
    }
    return matched_;
  }

  const std::vector<JsonPath>& paths_;
  const std::vector<std::vector<std::optional<std::size_t>>>& indexes_;
  std::vector<FieldText> found_;
  std::vector<Level> levels_;
  std::vector<Capture> captures_;
  std::vector<std::size_t> matched_;
  bool top_seen_ = false;
};

}  // namespace

Result<ParsedPath> parse_json_path(std::string_view text, std::string_view stop) {
  ParsedPath parsed;
  std::string segment;
  std::size_t at = 0;
  auto end_segment = [&]() -> Result<void> {
    if (segment.empty())
      return fail(ErrorKind::Invalid,
                  parsed.path.segments.empty() && at == 0 ? "is empty"
                                                          : "has an empty segment (\"a..b\", \".a\" or \"a.\")");
    parsed.path.segments.push_back(std::move(segment));
    segment.clear();
    return {};
  };
  for (; at < text.size(); ++at) {
    const char c = text[at];
    if (stop.find(c) != std::string_view::npos) break;
    if (c == '\\') {
      if (at + 1 == text.size())
        return fail(ErrorKind::Invalid, "ends with a lone \\ (write \\\\ for a backslash)");
      segment.push_back(text[++at]);
    } else if (c == '.') {
      if (auto ended = end_segment(); !ended) return fail(ended.error());
    } else {
      segment.push_back(c);
    }
  }
  if (auto ended = end_segment(); !ended) return fail(ended.error());
  parsed.path.text.assign(text.substr(0, at));
  parsed.end = at;
  return parsed;
}

JsonLineFields::JsonLineFields(std::vector<JsonPath> paths) : paths_(std::move(paths)) {
  for (const auto& path : paths_) {
    auto& of_path = indexes_.emplace_back();
    for (const auto& segment : path.segments) of_path.push_back(index_of(segment));
  }
}

std::optional<std::vector<FieldText>> JsonLineFields::read(std::string_view line) const {
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] != '{') return std::nullopt;  // cheap no
  FieldCollector collector(paths_, indexes_);
  if (!json::sax_parse(line.begin(), line.end(), &collector)) return std::nullopt;
  return collector.take();
}

}  // namespace orka::streaming
