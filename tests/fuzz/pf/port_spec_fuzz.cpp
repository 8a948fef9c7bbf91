// Port-forward specs from the command line ("8080", "8080:80", ":http") and the pod and service
// JSON the remote port is looked up in: the spec is the input's first NUL-separated part, the
// JSON the rest. Never a crash or an exception; an accepted spec is a valid mapping.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "port_mapping.hpp"

using namespace orka::streaming;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = orka_fuzz::as_text(data, size);
  const auto nul = text.find('\0');
  auto mapping = parse_port_spec(text.substr(0, nul));
  std::string remote = "http";
  if (mapping) {
    ORKA_FUZZ_CHECK(!mapping->remote.empty());
    ORKA_FUZZ_CHECK(text.substr(0, nul).ends_with(mapping->remote));
    (void)check_distinct_local_ports({*mapping, *mapping});
    remote = mapping->remote;
  } else {
    ORKA_FUZZ_CHECK(mapping.error().kind == orka::ErrorKind::Usage);
  }
  if (nul == std::string_view::npos) return 0;
  const auto object = nlohmann::json::parse(text.substr(nul + 1), nullptr, false);
  if (object.is_discarded()) return 0;
  if (auto port = container_port(object, remote)) ORKA_FUZZ_CHECK(*port != 0 || remote == "0");
  if (auto target = service_target_port(object, remote)) (void)container_port(object, *target);
  return 0;
}
