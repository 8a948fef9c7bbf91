// The workload a rollout restart waits for, as the server reports it (generation, replica
// counts, conditions, update strategy): kubectl's rollout-status rules on any JSON. Never a
// crash or an exception; every verdict comes with a message.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "rr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto object = nlohmann::json::parse(orka_fuzz::as_text(data, size), nullptr, false);
  if (object.is_discarded()) return 0;
  for (const char* kind : {"Deployment", "StatefulSet", "DaemonSet"}) {
    const auto status = orka::rr::rollout_status(kind, object);
    ORKA_FUZZ_CHECK(!status.message.empty());
  }
  (void)orka::rr::restart_patch("2024-05-01T10:00:00Z");
  return 0;
}
