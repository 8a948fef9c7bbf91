// Waits for UIDs to disappear: a (re)list keeps only the UIDs it still shows; a DELETED event
// removes its UID. Nothing else can bring a UID back.
#include "orka/wait_gone.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

namespace {
std::string uid_of(const nlohmann::json& object) {
  if (!object.is_object()) return {};
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return {};
  return meta->value("uid", "");
}
}  // namespace

Result<void> wait_until_gone(Client& client, const WatchTarget& target, std::set<std::string> uids,
                             const RemainingFn& on_change, const WatchLimits& limits,
                             const CancelToken& cancel) {
  if (uids.empty()) return {};
  auto handler = [&](const WatchEvent& event) -> Result<WatchAction> {
    const std::size_t before = uids.size();
    bool report = false;
    if (event.type == WatchEvent::Type::Listed) {
      std::set<std::string> present;
      for (const auto& item : event.object) {
        std::string uid = uid_of(item);
        if (uids.count(uid) != 0) present.insert(std::move(uid));
      }
      uids = std::move(present);
      report = true;  // the first list always reports, so the caller can show what it waits for
    } else if (event.type == WatchEvent::Type::Deleted) {
      uids.erase(uid_of(event.object));
    }
    if ((report || uids.size() != before) && on_change) on_change(uids);
    return uids.empty() ? WatchAction::Stop : WatchAction::Continue;
  };
  return list_and_watch(client, target, handler, limits, cancel);
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
