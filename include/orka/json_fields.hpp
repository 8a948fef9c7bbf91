// Fields of JSON a server sent, read without trusting their types. nlohmann's value(key,
// default) throws type_error when the field is present with another type (a string where a
// number belongs, a number where a map belongs) or when the parent is not an object, so one
// odd field from a broken or hostile server became an exception far from where it could be
// explained. These return the fallback instead; the caller decides whether a missing field is
// an error worth its own message. (Found by the fuzz targets in tests/fuzz.)
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// The member `key` of `object`, or nullptr when `object` is no object or lacks it.
inline const nlohmann::json* json_member(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

// The string `object[key]`; `fallback` when absent or not a string.
inline std::string json_string(const nlohmann::json& object, std::string_view key,
                               std::string_view fallback = {}) {
  const nlohmann::json* member = json_member(object, key);
  return member != nullptr && member->is_string() ? member->get<std::string>()
                                                  : std::string(fallback);
}

// The boolean `object[key]`; `fallback` when absent or not a boolean.
inline bool json_bool(const nlohmann::json& object, std::string_view key, bool fallback = false) {
  const nlohmann::json* member = json_member(object, key);
  return member != nullptr && member->is_boolean() ? member->get<bool>() : fallback;
}

// The whole number `object[key]`; `fallback` when absent, not a whole number, or outside
// [min, max] (so a count or a port never wraps on its way into a narrower type).
inline std::int64_t json_integer(const nlohmann::json& object, std::string_view key,
                                 std::int64_t fallback,
                                 std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                 std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
  const nlohmann::json* member = json_member(object, key);
  if (member == nullptr) return fallback;
  std::int64_t value = 0;
  if (member->is_number_unsigned()) {
    const auto unsigned_value = member->get<std::uint64_t>();
    if (unsigned_value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return fallback;
    value = static_cast<std::int64_t>(unsigned_value);
  } else if (member->is_number_integer()) {
    value = member->get<std::int64_t>();
  } else {
    return fallback;
  }
  return value < min || value > max ? fallback : value;
}

// `object[key]` when it is an object (or an array); an empty one otherwise, so lookups chain:
// json_integer(json_object(pdb, "status"), "disruptionsAllowed", 0).
inline const nlohmann::json& json_object(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* member = json_member(object, key);
  return member != nullptr && member->is_object() ? *member : empty;
}
inline const nlohmann::json& json_array(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::array();
  const nlohmann::json* member = json_member(object, key);
  return member != nullptr && member->is_array() ? *member : empty;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
