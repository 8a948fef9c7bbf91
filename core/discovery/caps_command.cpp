#include "discovery/caps_command.hpp"

#include <cxxopts.hpp>
#include <fmt/format.h>

#include <map>
#include <tuple>

#include "discovery/capabilities.hpp"
#include "discovery/discovery_client.hpp"
#include "orka/command_args.hpp"
#include "orka/transport_choice.hpp"

namespace orka::core {

namespace {

constexpr const char* kUsage = "orka ops caps [-n NAMESPACE] [--json]";
constexpr const char* kSummary =
    "Show, per op, whether the cluster offers it and whether you may run it";

struct CapsOptions {
  std::optional<std::string> namespace_;
  bool json = false;
  bool help = false;
};

CommandLine command_line() {
  CommandLine cli("orka ops caps", kSummary, "[-n NAMESPACE] [--json]", kUsage,
                  "print a JSON object instead of a table");
  cli.add_options()
      ("n,namespace", "namespace the namespaced checks are made in (default: the context's)",
       cxxopts::value<std::string>());
  return cli;
}

Result<CapsOptions> parse_args(CommandLine& cli, const std::vector<std::string>& args) {
  auto parsed_or = cli.parse(args);
  if (!parsed_or) return fail(parsed_or.error());
  const cxxopts::ParseResult& parsed = *parsed_or;
  if (!parsed.unmatched().empty())
    return fail(cli.usage_error(
        fmt::format("caps takes no arguments, got \"{}\"", parsed.unmatched().front())));
  CapsOptions options;
  options.help = parsed.count("help") > 0;
  options.json = parsed.count("json") > 0;
  if (parsed.count("namespace")) options.namespace_ = parsed["namespace"].as<std::string>();
  if (options.namespace_ && options.namespace_->empty())
    return fail(cli.usage_error("-n/--namespace needs a namespace name"));
  return options;
}

using CheckKey = std::tuple<std::string, std::string, std::string, std::string, std::string>;

// Runs every check of every offered op; a permission asked by several ops is asked once.
Result<void> run_checks(Client& client, std::vector<Capability>& caps, const CancelToken& cancel) {
  std::map<CheckKey, CapabilityCheck> answered;
  for (auto& cap : caps) {
    if (!cap.offered) continue;
    for (auto& check : cap.checks) {
      const auto& p = check.permission;
      CheckKey key{p.verb, p.group, p.resource, p.subresource, p.namespace_};
      if (auto it = answered.find(key); it != answered.end()) {
        check.decision = it->second.decision;
        check.error = it->second.error;
        continue;
      }
      auto decision = can_i(client, p, cancel);
      if (!decision) {
        if (decision.error().kind == ErrorKind::Cancelled) return fail(decision.error());
        check.error = decision.error().message;
      } else {
        check.decision = *decision;
      }
      answered.emplace(key, check);
    }
  }
  return {};
}

std::string yes_no(std::optional<bool> value) {
  if (!value) return "unknown";
  return *value ? "yes" : "no";
}

std::string check_text(const Capability& cap, const CapabilityCheck& check) {
  std::string text = describe_check(check);
  if (!cap.offered) return text + " [not checked]";
  if (!check.decision) return text + " [unknown: " + check.error + "]";
  if (check.decision->allowed) return text + " [allowed]";
  text += " [denied";
  if (!check.decision->reason.empty()) text += ": " + check.decision->reason;
  return text + "]";
}

void print_table(std::ostream& out, const std::string& ns, const std::vector<Capability>& caps) {
  out << fmt::format("What the cluster offers and what you may do, checked in namespace \"{}\":\n\n",
                     ns);
  constexpr const char* kRow = "{:<8} {:<8} {:<8} {:<24} {}\n";
  out << fmt::format(kRow, "OP", "OFFERED", "ALLOWED", "TRANSPORT", "CHECKED");
  for (const auto& cap : caps) {
    std::string allowed = cap.offered ? yes_no(cap.allowed()) : "-";
    std::string transport = cap.transport.empty() ? "-" : cap.transport;
    for (std::size_t i = 0; i < cap.checks.size(); ++i) {
      if (i == 0)
        out << fmt::format(kRow, cap.op, cap.offered ? "yes" : "no", allowed, transport,
                           check_text(cap, cap.checks[i]));
      else
        out << fmt::format(kRow, "", "", "", "", check_text(cap, cap.checks[i]));
    }
  }
  bool heading = false;
  for (const auto& cap : caps) {
    std::vector<std::string> lines;
    if (!cap.offered) lines.push_back("not offered: " + cap.offered_detail);
    for (const auto& note : cap.notes) lines.push_back(note);
    for (const auto& line : lines) {
      if (!heading) out << "\nNotes:\n";
      heading = true;
      out << fmt::format("  {}: {}\n", cap.op, line);
    }
  }
}

// What `--transport auto` picks for exec and pf on this server, and what it falls back to.
void choose_transports(Client& client, std::vector<Capability>& caps, const CancelToken& cancel) {
  std::optional<ServerVersion> server;
  std::string version_note;
  if (auto fetched = fetch_server_version(client, cancel))
    server = *fetched;
  else
    version_note = "server version unknown (" + fetched.error().message + ")";
  for (auto& cap : caps) {
    std::optional<TransportPlan> plan;
    if (cap.op == "exec")
      plan = plan_exec_transport(StreamTransport::Auto, server, /*stdin=*/true);
    else if (cap.op == "pf")
      plan = plan_forward_transport(StreamTransport::Auto, server);
    if (!plan || plan->attempts.empty()) continue;
    cap.transport = std::string(to_string(plan->attempts.front().wire));
    cap.transport_fallbacks.clear();
    for (std::size_t i = 1; i < plan->attempts.size(); ++i)
      cap.transport_fallbacks.emplace_back(to_string(plan->attempts[i].wire));
    std::string note = "--transport auto picks " + cap.transport + ": " + plan->reason;
    if (!cap.transport_fallbacks.empty())
      note += fmt::format("; if the server refuses it: {}", fmt::join(cap.transport_fallbacks, ", then "));
    if (!version_note.empty()) note += " — " + version_note;
    cap.notes.push_back(std::move(note));
  }
}

nlohmann::json to_json(const Capability& cap) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& check : cap.checks) {
    const auto& p = check.permission;
    nlohmann::json item = {{"verb", p.verb},
                           {"group", p.group},
                           {"resource", p.resource},
                           {"subresource", p.subresource},
                           {"namespace", p.namespace_},
                           {"scope", check.namespaced
                                         ? (p.namespace_.empty() ? "all-namespaces" : "namespace")
                                         : "cluster"},
                           {"description", describe_check(check)}};
    if (check.decision) {
      item["allowed"] = check.decision->allowed;
      item["reason"] = check.decision->reason;
    } else {
      item["allowed"] = nullptr;
      if (!check.error.empty()) item["error"] = check.error;
    }
    checks.push_back(std::move(item));
  }
  nlohmann::json object = {{"op", cap.op},
                           {"offered", cap.offered},
                           {"offered_detail", cap.offered_detail},
                           {"transport", cap.transport.empty() ? nlohmann::json(nullptr)
                                                                : nlohmann::json(cap.transport)},
                           {"transport_fallbacks", cap.transport_fallbacks},
                           {"checks", std::move(checks)},
                           {"notes", cap.notes}};
  auto allowed = cap.offered ? cap.allowed() : std::nullopt;
  object["allowed"] = allowed ? nlohmann::json(*allowed) : nlohmann::json(nullptr);
  if (cap.op == "drain")
    object["eviction"] = cap.eviction_group_version ? nlohmann::json(*cap.eviction_group_version)
                                                    : nlohmann::json(nullptr);
  if (cap.op == "scale") object["scalable"] = cap.scalable;
  return object;
}

}  // namespace

Result<int> run_caps(Services& services, const std::vector<std::string>& args, std::ostream& out,
                     const CancelToken& cancel) {
  CommandLine cli = command_line();
  auto options = parse_args(cli, args);
  if (!options) return fail(options.error());
  if (options->help) {
    cli.print_help(out);
    return 0;
  }
  auto client = services.client();
  if (!client) return fail(client.error());
  auto discovery = services.discovery();
  if (!discovery) return fail(discovery.error());
  std::string ns;
  if (options->namespace_) {
    ns = *options->namespace_;
  } else {
    auto default_ns = services.default_namespace();
    if (!default_ns) return fail(default_ns.error());
    ns = *default_ns;
  }

  auto resources = (*discovery)->resources(cancel);
  if (!resources) return fail(resources.error());
  auto eviction = (*discovery)->subresource_group_version("pods", "eviction", cancel);
  if (!eviction) return fail(eviction.error());

  auto caps = plan_capabilities(*resources, *eviction, ns);
  if (auto checked = run_checks(**client, caps, cancel); !checked) return fail(checked.error());
  choose_transports(**client, caps, cancel);

  if (options->json) {
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& cap : caps) ops.push_back(to_json(cap));
    nlohmann::json document = {{"namespace", ns}, {"server", (*client)->server()}, {"ops", ops}};
    out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    print_table(out, ns, caps);
  }
  return 0;
}

CommandSpec make_caps_command() {
  CommandSpec spec;
  spec.name = "caps";
  spec.summary = kSummary;
  spec.usage = kUsage;
  spec.run = [](CommandContext& ctx) -> Result<int> {
    try {
      return run_caps(ctx.services, ctx.args, ctx.out, ctx.cancel);
    } catch (const std::exception& e) {
      return fail(ErrorKind::Internal, std::string("caps failed unexpectedly: ") + e.what());
    }
  };
  return spec;
}

}  // namespace orka::core
