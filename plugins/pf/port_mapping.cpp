#include "port_mapping.hpp"

#include <charconv>

#include <fmt/format.h>

#include "orka/json_fields.hpp"

namespace orka::streaming {
namespace {

std::optional<std::uint16_t> parse_port_number(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// "70000", "-1": meant as a number, just not a port number.
bool looks_numeric(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

bool valid_port_name(std::string_view name) {
  if (name.empty() || name.size() > 15) return false;
  bool letter = false;
  for (char c : name) {
    if (c >= 'a' && c <= 'z') letter = true;
    else if (!(c >= '0' && c <= '9') && c != '-') return false;
  }
  return letter;
}

}  // namespace

Result<PortMapping> parse_port_spec(std::string_view spec) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::Usage, fmt::format("invalid port \"{}\": {}", spec, why),
                "use [LOCAL:]REMOTE, e.g. 8080, 8080:80, :80 or 5000:http");
  };
  PortMapping mapping;
  std::string_view local, remote = spec;
  if (auto colon = spec.find(':'); colon != std::string_view::npos) {
    local = spec.substr(0, colon);
    remote = spec.substr(colon + 1);
    if (!local.empty()) {
      auto port = parse_port_number(local);
      if (!port || *port == 0) return bad("the local port is not a number from 1 to 65535");
      mapping.local_port = *port;
    }
  }
  if (remote.empty()) return bad("the remote port is missing");
  if (auto port = parse_port_number(remote)) {
    if (*port == 0) return bad("the remote port must be from 1 to 65535");
    if (spec.find(':') == std::string_view::npos) mapping.local_port = *port;
  } else if (looks_numeric(remote)) {
    return bad("the remote port must be from 1 to 65535");
  } else if (!valid_port_name(remote)) {
    return bad("the remote port is neither a number nor a port name");
  } else if (spec.find(':') == std::string_view::npos) {
    return bad("a named remote port needs a local port (LOCAL:NAME, or :NAME for any free one)");
  }
  mapping.remote = std::string(remote);
  return mapping;
}

Result<void> check_distinct_local_ports(const std::vector<PortMapping>& ports) {
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (ports[i].local_port == 0) continue;  // each :REMOTE gets its own free port
    for (std::size_t j = i + 1; j < ports.size(); ++j) {
      if (ports[j].local_port != ports[i].local_port) continue;
      // A field error whose message stands on its own: the command line has no --ports flag.
      const std::string message = fmt::format(
          "local port {} is given twice (for remote ports {} and {}): one local port can forward "
          "to only one remote port",
          ports[i].local_port, ports[i].remote, ports[j].remote);
      Error error = make_error(ErrorKind::Invalid, message,
                               "give each mapping its own local port, e.g. 8080:80 8443:443, or "
                               ":REMOTE for any free one");
      error.causes.push_back(StatusCause{std::string(kRequestFieldInvalid), message, "ports"});
      return fail(std::move(error));
    }
  }
  return {};
}

Result<std::uint16_t> container_port(const nlohmann::json& pod, const std::string& remote) {
  if (auto number = parse_port_number(remote)) return *number;
  for (const auto& c : json_array(json_object(pod, "spec"), "containers"))
    for (const auto& p : json_array(c, "ports"))
      if (json_string(p, "name") == remote) {
        // A port outside 1-65535 is not one the pod can listen on: it must not wrap into one.
        if (const auto port = json_integer(p, "containerPort", 0, 1, 65535); port != 0)
          return static_cast<std::uint16_t>(port);
      }
  const std::string name = json_string(json_object(pod, "metadata"), "name");
  return fail(ErrorKind::NotFound, fmt::format("pod \"{}\" has no container port named \"{}\"", name, remote),
              "list its ports with `kubectl get pod " + name + " -o jsonpath='{.spec.containers[*].ports}'`");
}

Result<std::string> service_target_port(const nlohmann::json& service, const std::string& remote) {
  const auto number = parse_port_number(remote);
  const std::string name = json_string(json_object(service, "metadata"), "name");
  for (const auto& p : json_array(json_object(service, "spec"), "ports")) {
    const auto port = json_integer(p, "port", 0, 1, 65535);
    const bool by_number = number && port == *number;
    const bool by_name = !number && json_string(p, "name") == remote;
    if (!by_number && !by_name) continue;
    // targetPort defaults to the port; a number or a container port name otherwise.
    const auto* target = json_member(p, "targetPort");
    if (target != nullptr && target->is_string()) return target->get<std::string>();
    if (const auto target_number = json_integer(p, "targetPort", 0, 1, 65535); target_number != 0)
      return std::to_string(target_number);
    if (port != 0) return std::to_string(port);
    return fail(ErrorKind::Invalid,
                fmt::format("service \"{}\" lists port {} without a port number from 1 to 65535",
                            name, remote),
                "check the service with `kubectl get svc " + name + " -o yaml`");
  }
  return fail(ErrorKind::NotFound, fmt::format("service \"{}\" has no port {}", name, remote),
              "list its ports with `kubectl get svc " + name + " -o jsonpath='{.spec.ports}'`");
}

}  // namespace orka::streaming
