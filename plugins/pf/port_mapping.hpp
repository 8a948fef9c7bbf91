// Port specs ("8080", "8080:80", ":http") and how a remote port name or number becomes the
// container port a pod listens on (directly, or through a service's targetPort).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "orka/error.hpp"
#include "orka/ops.hpp"

namespace orka::streaming {

// "[LOCAL:]REMOTE": "8080" → 8080→8080, "8080:80", ":80" → a free local port, "5000:http".
Result<PortMapping> parse_port_spec(std::string_view spec);

// Two mappings may not listen on the same local port (the second bind would fail with
// "Address already in use"): an Invalid field error ("ports") naming the port and both specs.
Result<void> check_distinct_local_ports(const std::vector<PortMapping>& ports);

// The container port of `pod` named or numbered `remote`. A number is taken as is (kubectl
// does the same: the pod may listen on ports it does not declare).
Result<std::uint16_t> container_port(const nlohmann::json& pod, const std::string& remote);

// A service port (by number or name) → what its targetPort names in the pod: a number, or a
// container port name, as a string for container_port().
Result<std::string> service_target_port(const nlohmann::json& service, const std::string& remote);

}  // namespace orka::streaming
