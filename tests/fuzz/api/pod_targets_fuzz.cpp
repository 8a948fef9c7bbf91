// What names pods: POD / TYPE/NAME from the command line, and the label selector a workload or
// service on the server carries (matchLabels, matchExpressions), which becomes a labelSelector
// query. Never a crash or an exception; the command line is the first NUL-separated part of the
// input, the selector JSON the rest.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "orka/object_names.hpp"
#include "orka/pod_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = orka_fuzz::as_text(data, size);
  const auto nul = text.find('\0');
  const std::string_view argument = text.substr(0, nul);

  for (bool allow_service : {false, true}) {
    auto target = orka::parse_pod_target(argument, allow_service);
    if (!target) {
      ORKA_FUZZ_CHECK(!target.error().message.empty());
      continue;
    }
    if (!allow_service) ORKA_FUZZ_CHECK(target->kind != orka::PodTargetKind::Service);
    ORKA_FUZZ_CHECK(!orka::describe(*target).empty());
    (void)orka::selects_pods(*target);
    // Whatever was accepted is a name the API server could hold: it can go into a URL.
    ORKA_FUZZ_CHECK(orka::check_name("pod", target->name, orka::NameRule::Dns1123Subdomain));
  }

  if (nul == std::string_view::npos) return 0;
  const auto selector = nlohmann::json::parse(text.substr(nul + 1), nullptr, false);
  if (selector.is_discarded()) return 0;
  auto query = orka::label_selector_string(selector, "deployment/web");
  if (query) ORKA_FUZZ_CHECK(!query->empty());
  else ORKA_FUZZ_CHECK(query.error().kind == orka::ErrorKind::Invalid);
  // The same object as a pod (readiness, identity), as resolve_pods reads the pods it lists.
  (void)orka::pod_name(selector);
  (void)orka::pod_uid(selector);
  (void)orka::pod_deleting(selector);
  (void)orka::pod_running(selector);
  (void)orka::pod_ready(selector);
  (void)orka::container_names(selector, true);
  (void)orka::default_container(selector);
  const std::vector<nlohmann::json> pods = {selector, nlohmann::json::object()};
  if (auto picked = orka::pick_pod(pods, {orka::PodTargetKind::Deployment, "web"}, "default"))
    ORKA_FUZZ_CHECK(orka::pod_running(*picked));
  return 0;
}
