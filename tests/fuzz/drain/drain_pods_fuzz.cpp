// The pods on a node and the PodDisruptionBudget selectors drain reads from the server: kubectl's
// filters (DaemonSet, mirror, local storage, unmanaged, terminating) and label-selector matching
// on any JSON. Never a crash or an exception; every pod gets exactly one verdict; a refusal
// names one of kubectl's reasons.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "drain_filters.hpp"
#include "fuzz_support.hpp"

using namespace orka::drain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto document = nlohmann::json::parse(orka_fuzz::as_text(data, size), nullptr, false);
  if (document.is_discarded()) return 0;

  std::vector<nlohmann::json> pods;
  if (document.is_array())
    for (const auto& item : document) pods.push_back(item);
  else
    pods.push_back(document);

  FilterFlags flags;
  flags.now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  flags.skip_wait_for_delete_timeout_seconds = size % 3 == 0 ? std::optional<std::int64_t>(30)
                                                             : std::nullopt;
  flags.ignore_daemonsets = size % 2 == 0;
  const DaemonSetExists exists = [](const std::string&, const std::string& name) -> orka::Result<bool> {
    return name.size() % 2 == 0;
  };
  for (const auto& pod : pods) {
    const PodDecision decision = classify_pod(pod, flags, exists);
    if (decision.verdict == PodDecision::Verdict::Refuse) ORKA_FUZZ_CHECK(!decision.reason.empty());
    (void)pod_key(pod);
  }
  if (auto plan = plan_drain(pods, flags, exists)) {
    std::size_t counted = plan->to_evict.size() + plan->skipped.size();
    for (const auto& [reason, names] : plan->refusals) counted += names.size();
    ORKA_FUZZ_CHECK(counted == pods.size());
    (void)describe_refusals(*plan);
  }

  // The document as a PDB selector against each pod's labels (and the pods' own labels).
  const auto labels_of = [](const nlohmann::json& pod) {
    const auto pointer = nlohmann::json::json_pointer("/metadata/labels");
    return pod.is_object() && pod.contains(pointer) ? pod.at(pointer) : nlohmann::json::object();
  };
  for (const auto& pod : pods) {
    (void)selector_matches(document, labels_of(pod));
    (void)selector_matches(pod, document);
  }
  return 0;
}
