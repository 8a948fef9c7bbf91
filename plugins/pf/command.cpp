// `orka ops pf POD|TYPE/NAME|svc/NAME [LOCAL:]REMOTE... [flags]`: the target and port specs in,
// the pf op, one line per event out (or its JSON form).
#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "orka/command_shape.hpp"
#include "orka/ops/keepalive_field.hpp"
#include "orka/output.hpp"
#include "orka/transport_choice.hpp"
#include "forward.hpp"
#include "forward_status.hpp"
#include "pf_command.hpp"
#include "pf_json.hpp"
#include "port_mapping.hpp"

namespace orka::streaming {
namespace {

struct PfCommand {
  ForwardRequest request;
  std::chrono::milliseconds keepalive = kDefaultKeepalive;
  bool json = false;

  static CommandInfo info() {
    return {"pf",
            {"port-forward"},
            "Forward local ports to a pod, workload or service (survives failed connections)",
            "orka ops pf POD|TYPE/NAME|svc/NAME [LOCAL:]REMOTE... [--address ADDR...]\n"
            "             [--transport auto|websocket|spdy] [--keepalive DURATION] [--json]",
            "print lifecycle events as JSON Lines"};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    add("address", "local address to listen on (repeatable; default 127.0.0.1; localhost = 127.0.0.1)",
        cxxopts::value<std::string>())
       ("transport", "auto (default: picked per cluster version, -v shows it), websocket or spdy",
        cxxopts::value<std::string>())
       ("keepalive", std::string(kKeepaliveFlagHelp), cxxopts::value<std::string>());
  }
  static std::string_view flag_for(std::string_view field) {
    if (field == "addresses") return "--address";
    if (field == "transport") return "--transport";
    if (field == "keepalive") return "--keepalive";
    return {};
  }

  Result<void> complete(const CommandArgs& args, CommandContext&) {
    json = args.json;
    // Words after "--" are ports too, as with kubectl: `pf web -- -1` reaches the port check
    // (and its message) instead of looking like no port at all.
    std::vector<std::string> positional = args.positional;
    positional.insert(positional.end(), args.after_dashes.begin(), args.after_dashes.end());
    if (positional.size() < 2)
      return fail(ErrorKind::Usage, "name a target and at least one port",
                  "e.g. `orka ops pf svc/web 8080:80` or `orka ops pf web-0 :5432`");
    auto ref = parse_object_ref(positional.front(), "target", "pod");
    if (!ref) return fail(ref.error());
    request.target = *ref;
    for (std::size_t i = 1; i < positional.size(); ++i) {
      auto mapping = parse_port_spec(positional[i]);
      if (!mapping) return fail(mapping.error());
      request.ports.push_back(std::move(*mapping));
    }
    request.options.addresses.clear();
    for (const auto& value : all_flag_values(args.flags, "address")) {
      std::size_t start = 0;
      while (start <= value.size()) {  // kubectl also accepts a comma list
        auto comma = value.find(',', start);
        std::string one = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (one == "localhost") one = "127.0.0.1";
        if (one.empty()) return fail(ErrorKind::Usage, "--address has an empty entry");
        auto& addresses = request.options.addresses;
        if (std::find(addresses.begin(), addresses.end(), one) == addresses.end())
          addresses.push_back(one);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    if (request.options.addresses.empty()) request.options.addresses.push_back("127.0.0.1");
    if (args.flags.count("transport")) {
      auto transport = parse_stream_transport(args.flags["transport"].as<std::string>());
      if (!transport) return fail(transport.error());
      request.options.transport = *transport;
    }
    if (args.flags.count("keepalive")) {
      auto interval = parse_keepalive(args.flags["keepalive"].as<std::string>());
      if (!interval) return fail(interval.error());
      keepalive = *interval;
    }
    return {};
  }

  Result<void> validate() const { return validate_forward_request(request); }

  Result<int> run(CommandContext& ctx) {
    request.options.cancel = ctx.cancel;
    auto events = ctx.ops.run<ForwardOpV2>(ForwardRequestV2{request, keepalive});
    const bool verbose = ctx.services.verbosity() >= 1;
    if (json) {
      JsonLinesWriter writer(ctx.out);
      for (auto received = events.next(); received.value; received = events.next())
        writer.write(forward_event_json(*received.value));
    } else {
      const bool live = live_status_wanted(ctx.out_is_tty);
      ForwardPrinter printer(ctx.out, ctx.err, live, verbose);
      for (;;) {
        // On a terminal the rates change with time alone: wake up to redraw them.
        auto received = live ? events.next_for(ForwardPrinter::kRedrawInterval) : events.next();
        if (received.status == ReceiveStatus::TimedOut) {
          printer.tick(StatusClock::now());
          continue;
        }
        if (!received.value) break;
        printer.on_event(*received.value, StatusClock::now());
      }
      printer.finish(StatusClock::now());
    }
    auto outcome = events.finish();
    if (!outcome) return fail(outcome.error());
    return 0;  // Ctrl-C is how a forward normally ends (the CLI reports it as 130)
  }
};

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

bool live_status_wanted(bool out_is_tty) {
  if (!out_is_tty) return false;
  // A terminal that cannot move the cursor gets the plain lines.
  const char* term = std::getenv("TERM");
  return !(term != nullptr && std::string_view(term) == "dumb");
}

CommandSpec pf_command() { return command_spec<PfCommand>(); }

}  // namespace orka::streaming
