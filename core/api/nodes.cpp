#include "orka/nodes.hpp"

#include <chrono>

#include "orka/json_fields.hpp"
#include "orka/object_names.hpp"
#include "orka/transient.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

namespace {

// A cut connection or a 5xx leaves the node either as it was or as asked, and the same merge
// patch sent again sets the same value: it is safe to repeat, a few times.
constexpr int kPatchAttempts = 4;
constexpr std::chrono::milliseconds kFirstPatchRetryDelay{250};

Permission node_permission(const char* verb, const std::string& node) {
  Permission p;
  p.verb = verb;
  p.resource = "nodes";
  p.name = node;
  return p;
}
}  // namespace

ApiPath node_path(std::string_view node) {
  return ApiPath::group_version("", "v1").segment("nodes").segment(node);
}

Result<CordonOutcome> set_unschedulable(Client& client, const std::string& node, bool on,
                                        const CancelToken& cancel) {
  if (node.empty()) return fail_field("node", "is required");
  if (auto valid = check_name("node", node, NameRule::Dns1123Subdomain); !valid)
    return fail(valid.error());
  const ApiPath path = node_path(node);
  auto current = get_json(client, path, cancel, node_permission("get", node));
  if (!current) {
    Error error = current.error();
    if (error.kind == ErrorKind::NotFound) {
      error.message = "node \"" + node + "\" not found";
      error.hint = "list nodes with `kubectl get nodes`";
    }
    return fail(std::move(error));
  }
  const nlohmann::json* spec = json_member(*current, "spec");
  const bool unschedulable = spec != nullptr && json_bool(*spec, "unschedulable");
  CordonOutcome outcome;
  outcome.node = node;
  if (unschedulable == on) return outcome;

  nlohmann::json patch = {{"spec", {{"unschedulable", on}}}};
  auto delay = kFirstPatchRetryDelay;
  for (int attempt = 1;; ++attempt) {
    auto patched = send_json(client, "PATCH", path, patch, "application/merge-patch+json",
                             cancel, node_permission("patch", node));
    if (patched) break;
    if (attempt == kPatchAttempts || !is_transient(patched.error()) || cancel.cancelled())
      return fail(patched.error());
    if (cancel.wait_for(delay)) return fail(ErrorKind::Cancelled, "cancelled");
    delay *= 2;
  }
  outcome.changed = true;
  return outcome;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
