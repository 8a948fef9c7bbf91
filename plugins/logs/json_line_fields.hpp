// The fields of one JSON log line, by dotted path: what --json-field compares and --output
// template prints. Lines come from the pod, so from anyone: the line is read with nlohmann's SAX
// parser (iterative, no document built), keeping only the text of the paths asked for, so memory
// is bounded by the line (itself at most LineSplitter::kMaxLineBytes) and nesting deeper than
// kMaxJsonDepth ends the read instead of growing anything.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orka/error.hpp"

namespace orka::streaming {

inline constexpr std::size_t kMaxJsonDepth = 64;
// The text kept for one field (an object's JSON, a long message) is cut here.
inline constexpr std::size_t kMaxFieldBytes = std::size_t{1} << 20;

// "http.status" → {"http", "status"}. `\` makes the next character literal ("k8s\.io/name" is
// one key); an all-digit segment also indexes an array ("items.0.id").
struct JsonPath {
  std::vector<std::string> segments;
  std::string text;  // as written, for messages
};

struct ParsedPath {
  JsonPath path;
  std::size_t end = 0;  // where the path stopped in the input (at a stop character or its end)
};

// Reads a path from the start of `text` up to the first unescaped character of `stop` (or the
// end). Errors say what is wrong after the caller's subject ("the key", "the field path"): "is
// empty", "has an empty segment ..." ("a..b", ".a", "a."), "ends with a lone \ ...".
Result<ParsedPath> parse_json_path(std::string_view text, std::string_view stop = {});

// The text form of a field: a string without quotes and unescaped, a number as written
// (an integer in decimal), true/false/null, an object or array as compact JSON.
using FieldText = std::optional<std::string>;  // nullopt: the field is absent

class JsonLineFields {
 public:
  explicit JsonLineFields(std::vector<JsonPath> paths);

  // The text of each path of the constructor, in its order, when `line` is one JSON object
  // (leading and trailing blanks allowed); nullopt when it is not (not JSON, another JSON value,
  // invalid UTF-8, nested deeper than kMaxJsonDepth). A key given twice: the last one counts.
  std::optional<std::vector<FieldText>> read(std::string_view line) const;

  const std::vector<JsonPath>& paths() const { return paths_; }

 private:
  std::vector<JsonPath> paths_;
  std::vector<std::vector<std::optional<std::size_t>>> indexes_;  // per segment: as an index
};

}  // namespace orka::streaming
