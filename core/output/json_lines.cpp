// JSON Lines: one whole object per line, even with several writer threads.
#include "orka/output.hpp"

#include "orka/ops.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

void JsonLinesWriter::write(const nlohmann::json& object) {
  // Serialised before taking the lock; invalid UTF-8 (log bytes) is replaced, never thrown.
  std::string line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  std::lock_guard lock(mutex_);
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.flush();
}

nlohmann::json progress_event_json(const ProgressEvent& event) {
  nlohmann::json object = {{"event", event.phase}, {"message", event.message}};
  if (event.data.is_object()) object.update(event.data);
  return object;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
