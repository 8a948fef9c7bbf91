#include <algorithm>

#include <fmt/format.h>

#include "orka/command_args.hpp"
#include "orka/output.hpp"
#include "orka/transport_choice.hpp"
#include "pf_command.hpp"
#include "port_mapping.hpp"

namespace orka::streaming {
namespace {

std::string host_port(const std::string& address, std::uint16_t port) {
  return address.find(':') != std::string::npos ? fmt::format("[{}]:{}", address, port)
                                                : fmt::format("{}:{}", address, port);
}

Result<int> run_pf(CommandContext& ctx) {
  auto parsed = parse_pf_args(ctx.args);
  if (!parsed) return fail(parsed.error());
  PfCommandOptions options = std::move(*parsed);
  if (options.help) {
    ctx.out << options.help_text;
    return 0;
  }
  auto namespace_ = ctx.services.default_namespace();
  if (!namespace_) return fail(namespace_.error());
  ObjectRef target;
  target.namespace_ = *namespace_;
  if (auto slash = options.target.find('/'); slash != std::string::npos) {
    target.type = options.target.substr(0, slash);
    target.name = options.target.substr(slash + 1);
  } else {
    target.name = options.target;
  }
  ForwardOptions forward;
  forward.addresses = options.addresses;
  forward.transport = options.transport;
  auto events = ctx.ops.port_forward(target, options.ports, forward);
  auto stop = ctx.cancel.on_cancel([&events] { events.cancel(); });
  const bool verbose = ctx.services.verbosity() >= 1;
  JsonLinesWriter json(ctx.out);
  for (;;) {
    auto received = events.next();
    if (!received) break;
    const ForwardEvent& event = *received.value;
    if (options.json) {
      json.write(event_json(event));
      continue;
    }
    const std::string text = describe_event(event, verbose);
    if (text.empty()) continue;
    const bool problem = event.type == ForwardEvent::Type::ConnectionError;
    (problem ? ctx.err : ctx.out) << text << '\n';
    (problem ? ctx.err : ctx.out).flush();
  }
  auto outcome = events.finish();
  if (!outcome) return fail(outcome.error());
  return 0;  // Ctrl-C is how a forward normally ends (the CLI reports it as 130)
}

}  // namespace

std::string describe_event(const ForwardEvent& event, bool verbose) {
  switch (event.type) {
    case ForwardEvent::Type::Ready:
      if (verbose && !event.transport.empty())
        return fmt::format("Forwarding from {} -> {} (pod {}, {})", host_port(event.local_address, event.local_port),
                           event.remote_port, event.pod, event.transport);
      return fmt::format("Forwarding from {} -> {} (pod {})", host_port(event.local_address, event.local_port),
                         event.remote_port, event.pod);
    case ForwardEvent::Type::ConnectionOpened:
      return verbose ? fmt::format("Handling connection {} for {}", event.connection, event.local_port) : "";
    case ForwardEvent::Type::ConnectionClosed:
      return verbose ? fmt::format("Connection {} closed ({} bytes in, {} bytes out)", event.connection,
                                   event.bytes_in, event.bytes_out)
                     : "";
    case ForwardEvent::Type::ConnectionError:
      return fmt::format("error: connection {} for port {} -> {}: {}", event.connection, event.local_port,
                         event.remote_port, event.message);
    case ForwardEvent::Type::Retargeted:
      return event.message;
    case ForwardEvent::Type::Closed:
      return verbose ? fmt::format("Forward closed: {}", event.message) : "";
  }
  return "";
}

nlohmann::json event_json(const ForwardEvent& event) {
  nlohmann::json object{{"event", std::string(to_string(event.type))}};
  switch (event.type) {
    case ForwardEvent::Type::Ready:
      object["local_address"] = event.local_address;
      object["local_port"] = event.local_port;
      object["remote_port"] = event.remote_port;
      object["pod"] = event.pod;
      object["transport"] = event.transport;
      break;
    case ForwardEvent::Type::ConnectionOpened:
    case ForwardEvent::Type::ConnectionClosed:
    case ForwardEvent::Type::ConnectionError:
      object["connection"] = event.connection;
      object["local_port"] = event.local_port;
      object["remote_port"] = event.remote_port;
      object["pod"] = event.pod;
      if (event.type == ForwardEvent::Type::ConnectionClosed) {
        object["bytes_in"] = event.bytes_in;
        object["bytes_out"] = event.bytes_out;
      }
      if (event.type == ForwardEvent::Type::ConnectionError) object["message"] = event.message;
      break;
    case ForwardEvent::Type::Retargeted:
      object["pod"] = event.pod;
      object["message"] = event.message;
      object["transport"] = event.transport;
      break;
    case ForwardEvent::Type::Closed:
      object["reason"] = event.message;
      break;
  }
  return object;
}

Result<PfCommandOptions> parse_pf_args(const std::vector<std::string>& args) {
  cxxopts::Options spec("pf", "Forward local ports to a pod");
  spec.custom_help("POD|TYPE/NAME|svc/NAME [LOCAL:]REMOTE... [flags]");
  spec.positional_help("");
  // clang-format off
  spec.add_options()
    ("positional", "target and ports", cxxopts::value<std::vector<std::string>>())
    ("address", "local address to listen on (repeatable; default 127.0.0.1; localhost = 127.0.0.1)", cxxopts::value<std::string>())
    ("transport", "auto (default: picked per cluster version, -v shows it), websocket or spdy", cxxopts::value<std::string>())
    ("json", "print lifecycle events as JSON Lines")
    ("h,help", "this help");
  // clang-format on
  spec.parse_positional({"positional"});
  auto parsed = parse_command_args(spec, args);
  if (!parsed) return fail(parsed.error());
  const auto& r = *parsed;
  PfCommandOptions options;
  if (r.count("help")) {
    options.help = true;
    options.help_text = spec.help();
    return options;
  }
  std::vector<std::string> positional;
  if (r.count("positional")) positional = r["positional"].as<std::vector<std::string>>();
  if (positional.size() < 2)
    return fail(ErrorKind::Usage, "name a target and at least one port",
                "e.g. `orka ops pf svc/web 8080:80` or `orka ops pf web-0 :5432`");
  options.target = positional.front();
  for (std::size_t i = 1; i < positional.size(); ++i) {
    auto mapping = parse_port_spec(positional[i]);
    if (!mapping) return fail(mapping.error());
    options.ports.push_back(std::move(*mapping));
  }
  for (const auto& value : all_flag_values(r, "address")) {
    std::size_t start = 0;
    while (start <= value.size()) {  // kubectl also accepts a comma list
      auto comma = value.find(',', start);
      std::string one = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (one == "localhost") one = "127.0.0.1";
      if (one.empty()) return fail(ErrorKind::Usage, "--address has an empty entry");
      if (std::find(options.addresses.begin(), options.addresses.end(), one) == options.addresses.end())
        options.addresses.push_back(one);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (options.addresses.empty()) options.addresses.push_back("127.0.0.1");
  if (r.count("transport")) {
    auto transport = parse_stream_transport(r["transport"].as<std::string>());
    if (!transport) return fail(transport.error());
    options.transport = *transport;
  }
  options.json = r.count("json") > 0;
  return options;
}

CommandSpec pf_command() {
  CommandSpec spec;
  spec.name = "pf";
  spec.aliases = {"port-forward"};
  spec.summary = "Forward local ports to a pod, workload or service (survives failed connections)";
  spec.usage =
      "orka ops pf POD|TYPE/NAME|svc/NAME [LOCAL:]REMOTE... [--address ADDR...] [--transport auto|websocket|spdy] "
      "[--json]";
  spec.run = run_pf;
  return spec;
}

}  // namespace orka::streaming
