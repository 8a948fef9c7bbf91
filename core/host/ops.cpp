// The out-of-line parts of the op SDK: Op's key function, field errors, and the event names
// used in messages and JSON.
#include "orka/ops.hpp"

#include <string>

#include "orka/object_names.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

Op::~Op() = default;

Error field_error(std::string_view field, std::string_view problem) {
  Error error = make_error(ErrorKind::Invalid, std::string(field) + " " + std::string(problem));
  error.causes.push_back(
      StatusCause{std::string(kRequestFieldInvalid), std::string(problem), std::string(field)});
  return error;
}

Result<ObjectRef> parse_object_ref(std::string_view text, std::string_view field,
                                   std::string_view default_type) {
  ObjectRef ref;
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    if (default_type.empty())
      return fail_field(field, quote_name(text) + " names no type: write TYPE/NAME, e.g. deployment/" +
                                   std::string(text));
    ref.type = std::string(default_type);
    ref.name = std::string(text);
  } else {
    ref.type = std::string(text.substr(0, slash));
    ref.name = std::string(text.substr(slash + 1));
  }
  if (ref.type.empty() || ref.name.empty() || ref.name.find('/') != std::string::npos)
    return fail_field(field, quote_name(text) + " is not TYPE/NAME, e.g. deployment/web");
  return ref;
}

std::string_view to_string(ForwardEvent::Type type) {
  switch (type) {
    case ForwardEvent::Type::Ready: return "ready";
    case ForwardEvent::Type::ConnectionOpened: return "connection_opened";
    case ForwardEvent::Type::ConnectionClosed: return "connection_closed";
    case ForwardEvent::Type::ConnectionError: return "connection_error";
    case ForwardEvent::Type::Retargeted: return "retargeted";
    case ForwardEvent::Type::Closed: return "closed";
  }
  return "unknown";
}

std::string_view to_string(LogEvent::Type type) {
  switch (type) {
    case LogEvent::Type::Line: return "line";
    case LogEvent::Type::StreamStarted: return "stream_started";
    case LogEvent::Type::StreamEnded: return "stream_ended";
    case LogEvent::Type::StreamFailed: return "stream_failed";
    case LogEvent::Type::NotFollowed: return "not_followed";
    case LogEvent::Type::NoPods: return "no_pods";
  }
  return "unknown";
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
