// Helpers for an op's JSON runner (the generic entry, Ops::run_json): reading a JSON request with
// errors that name the field, and running a one-shot op so that its progress events and its
// result come out as the JSON events its command prints with --json.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "orka/duration.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/op.hpp"
#include "orka/ops/common.hpp"
#include "orka/output.hpp"
#include "orka/stream.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// Reads the fields of one JSON request object. Each read records the first problem (a missing
// required field, a wrong type) as a field error; finish() also refuses fields nobody read, so a
// misspelt field is an error instead of being ignored.
class JsonRequest {
 public:
  JsonRequest(const nlohmann::json& request, std::string op) : request_(request), op_(std::move(op)) {
    if (!request_.is_object() && !request_.is_null())
      note(make_error(ErrorKind::Invalid, "the " + op_ + " request must be a JSON object"));
  }

  bool has(std::string_view field) const {
    return request_.is_object() && request_.contains(std::string(field));
  }

  // Reads `field` into `out` when present. Strings, booleans, whole numbers (range-checked) and
  // arrays of strings.
  template <class T>
  JsonRequest& optional(std::string_view field, T& out) {
    known_.emplace_back(field);
    if (!has(field)) return *this;
    read(field, request_.at(std::string(field)), out);
    return *this;
  }
  template <class T>
  JsonRequest& optional(std::string_view field, std::optional<T>& out) {
    known_.emplace_back(field);
    if (!has(field) || request_.at(std::string(field)).is_null()) return *this;
    T value{};
    if (read(field, request_.at(std::string(field)), value)) out = std::move(value);
    return *this;
  }
  template <class T>
  JsonRequest& required(std::string_view field, T& out) {
    if (!has(field)) {
      known_.emplace_back(field);
      note(field_error(field, "is required"));
      return *this;
    }
    return optional(field, out);
  }
  // A required TYPE/NAME (with `default_type`, a bare name is that type) into `out`'s type and
  // name; its namespace comes from the "namespace" field.
  JsonRequest& object_ref(std::string_view field, ObjectRef& out, std::string_view default_type = {}) {
    std::string text;
    required(field, text);
    if (!has(field) || !request_.at(std::string(field)).is_string()) return *this;
    auto ref = parse_object_ref(text, field, default_type);
    if (!ref) {
      note(ref.error());
      return *this;
    }
    out.type = std::move(ref->type);
    out.name = std::move(ref->name);
    return *this;
  }
  // A duration as the command line writes it ("90s", "5m"); a number is seconds.
  JsonRequest& duration(std::string_view field, std::chrono::milliseconds& out) {
    known_.emplace_back(field);
    if (!has(field)) return *this;
    const auto& value = request_.at(std::string(field));
    if (value.is_number_unsigned() || value.is_number_integer()) {
      const auto seconds = value.get<std::int64_t>();
      if (seconds < 0) note(field_error(field, "must not be negative"));
      out = std::chrono::seconds(seconds);
    } else if (value.is_string()) {
      auto parsed = parse_duration(value.get<std::string>(), field);
      if (!parsed) note(field_error(field, "must be a duration such as \"90s\" or \"5m\""));
      else out = *parsed;
    } else {
      note(field_error(field, "must be a duration such as \"90s\" or \"5m\""));
    }
    return *this;
  }

  // The first problem seen, or a field nobody asked for.
  Result<void> finish() const {
    if (first_) return std::unexpected(*first_);
    if (request_.is_object())
      for (const auto& [key, value] : request_.items()) {
        bool known = false;
        for (const auto& name : known_) known = known || name == key;
        if (!known)
          return std::unexpected(make_error(
              ErrorKind::Invalid, "unknown field \"" + key + "\" in the " + op_ + " request",
              "the fields are: " + known_list()));
      }
    return {};
  }

 private:
  template <class T>
  bool read(std::string_view field, const nlohmann::json& value, T& out) {
    if constexpr (std::is_same_v<T, bool>) {
      if (!value.is_boolean()) return note(field_error(field, "must be true or false"));
      out = value.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
      if (!value.is_number_integer() && !value.is_number_unsigned())
        return note(field_error(field, "must be a whole number"));
      if (value.is_number_unsigned()) {
        const auto n = value.get<std::uint64_t>();
        if (n > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
          return note(field_error(field, "is too large"));
        out = static_cast<T>(n);
      } else {
        const auto n = value.get<std::int64_t>();
        if (n < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
            (n > 0 && static_cast<std::uint64_t>(n) >
                          static_cast<std::uint64_t>(std::numeric_limits<T>::max())))
          return note(field_error(field, n < 0 ? "must not be negative" : "is too large"));
        out = static_cast<T>(n);
      }
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!value.is_string()) return note(field_error(field, "must be a string"));
      out = value.get<std::string>();
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      if (!value.is_array()) return note(field_error(field, "must be an array of strings"));
      out.clear();
      for (const auto& item : value) {
        if (!item.is_string()) return note(field_error(field, "must be an array of strings"));
        out.push_back(item.get<std::string>());
      }
    } else {
      static_assert(sizeof(T) == 0, "JsonRequest cannot read this type");
    }
    return true;
  }

  bool note(Error error) {
    if (!first_) first_ = std::move(error);
    return false;
  }

  std::string known_list() const {
    std::string list;
    for (const auto& name : known_) list += (list.empty() ? "" : ", ") + name;
    return list;
  }

  const nlohmann::json& request_;
  std::string op_;
  std::vector<std::string> known_;
  std::optional<Error> first_;
};

// Runs a one-shot op for the JSON entry. `body(emit)` returns the result object, or an error;
// whatever it emits (progress events) comes out first, then the result object as the last
// event and as the outcome — the order its command prints them in with --json.
template <class Body>
JsonRun run_one_shot_json(const CancelToken& cancel, Body body) {
  auto stream = Stream<nlohmann::json, nlohmann::json>::spawn(
      64, Overflow::Block, cancel,
      [body = std::move(body)](StreamWriter<nlohmann::json>& out) mutable -> Result<nlohmann::json> {
        auto emit = [&out](nlohmann::json event) { out.push(std::move(event)); };
        Result<nlohmann::json> result = body(emit);
        if (result) out.push(*result);
        return result;
      });
  return JsonRun(std::move(stream), nullptr);
}

// Runs a streaming op for the JSON entry: `leading` events first (what the op said before its
// stream began), then each item of `source` as `event_json(item)`, items the consumer lost as
// `dropped_json(count)` (when given) — what the op's command prints with --json. The outcome is
// `outcome_json(outcome)` (or `outcome_json()` for a Stream without one), from finish(), not an
// event. Cancelling the JsonRun cancels `source`. `input` is the op's input side, if any (exec).
template <class T, class Outcome, class EventJson, class OutcomeJson, class DroppedJson = std::nullptr_t>
JsonRun stream_as_json(Stream<T, Outcome> source, EventJson event_json, OutcomeJson outcome_json,
                       DroppedJson dropped_json = nullptr,
                       std::vector<nlohmann::json> leading = {},
                       std::shared_ptr<DuplexInput> input = nullptr) {
  auto shared = std::make_shared<Stream<T, Outcome>>(std::move(source));
  auto converted = Stream<nlohmann::json, nlohmann::json>::spawn(
      64, Overflow::Block, CancelToken(),
      [shared, event_json = std::move(event_json), outcome_json = std::move(outcome_json),
       dropped_json = std::move(dropped_json),
       leading = std::move(leading)](StreamWriter<nlohmann::json>& out) mutable -> Result<nlohmann::json> {
        auto stop = out.cancel().on_cancel([shared] { shared->cancel(); });
        for (auto& event : leading) out.push(std::move(event));
        for (;;) {
          auto received = shared->next();
          if constexpr (!std::is_same_v<DroppedJson, std::nullptr_t>) {
            if (received.dropped_before > 0) out.push(dropped_json(received.dropped_before));
          }
          if (!received) break;
          if (!out.push(event_json(*received.value))) shared->cancel();
        }
        auto outcome = shared->finish();
        if (!outcome) return std::unexpected(outcome.error());
        nlohmann::json result;
        if constexpr (std::is_void_v<Outcome>)
          result = outcome_json();
        else
          result = outcome_json(*outcome);
        return result;
      });
  return JsonRun(std::move(converted), std::move(input));
}

// The JSON runner of a one-shot op: `from_json(request_json) -> Result<Request>`, then the op,
// then `to_json(outcome, request) -> json` as the result event. The caller's cancel token goes
// into the request (`options.cancel` or `cancel`), and so do progress events
// (`options.progress`, as their JSON Lines form), where the request has them.
template <class OpT, class FromJson, class ToJson>
JsonRunner one_shot_json_runner(std::shared_ptr<OpT> op, FromJson from_json, ToJson to_json) {
  return [op, from_json, to_json](const nlohmann::json& json, const CancelToken& cancel) {
    return run_one_shot_json(cancel, [=](auto& emit) -> Result<nlohmann::json> {
      auto request = from_json(json);
      if (!request) return std::unexpected(request.error());
      if constexpr (requires { request->options.progress; }) {
        request->options.cancel = cancel;
        request->options.progress = [&emit](const ProgressEvent& event) {
          emit(progress_event_json(event));
        };
      } else {
        request->cancel = cancel;
      }
      auto outcome = op->run(*request);
      if (!outcome) return std::unexpected(outcome.error());
      return to_json(*outcome, *request);
    });
  };
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
