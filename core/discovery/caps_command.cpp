#include "discovery/discovery_client.hpp"

#include <cxxopts.hpp>
#include <fmt/format.h>

#include <map>
#include <tuple>

#include "discovery/capabilities.hpp"
#include "discovery/discovery_client.hpp"
#include "orka/command_shape.hpp"
#include "orka/transport_choice.hpp"

namespace orka::core {

namespace {

constexpr const char* kUsage = "orka ops caps [-n NAMESPACE] [--json]";
constexpr const char* kSummary =
    "Show, per op, whether the cluster offers it and whether you may run it";

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

// What `--transport auto` picks on this server for the ops that stream over pods/exec or
// pods/portforward, and what it falls back to.
void choose_transports(Services& services, std::vector<Capability>& caps, const CancelToken& cancel) {
  std::optional<ServerVersion> server;
  std::string version_note;
  if (auto fetched = services.server_version(cancel))
    server = *fetched;
  else
    version_note = "server version unknown (" + fetched.error().message + ")";
  for (auto& cap : caps) {
    std::optional<TransportPlan> plan;
    if (cap.stream_subresource == "exec" || cap.stream_subresource == "attach")
      plan = plan_exec_transport(StreamTransport::Auto, server, /*stdin=*/true);
    else if (cap.stream_subresource == "portforward")
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

const char* scope_name(PermissionScope scope) {
  switch (scope) {
    case PermissionScope::Namespace: return "namespace";
    case PermissionScope::AllNamespaces: return "all-namespaces";
    case PermissionScope::Cluster: return "cluster";
  }
  return "namespace";
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
                           {"scope", scope_name(check.scope)},
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
  nlohmann::json served_as = nlohmann::json::object();
  for (const auto& [what, version] : cap.served_as) served_as[what] = version;
  nlohmann::json object = {{"op", cap.op},
                           {"version", cap.version},
                           {"provider", cap.provider},
                           {"offered", cap.offered},
                           {"offered_detail", cap.offered_detail},
                           {"transport", cap.transport.empty() ? nlohmann::json(nullptr)
                                                                : nlohmann::json(cap.transport)},
                           {"transport_fallbacks", cap.transport_fallbacks},
                           {"checks", std::move(checks)},
                           {"notes", cap.notes},
                           {"served_as", std::move(served_as)}};
  auto allowed = cap.offered ? cap.allowed() : std::nullopt;
  object["allowed"] = allowed ? nlohmann::json(*allowed) : nlohmann::json(nullptr);
  if (!cap.applies_to.empty()) object["applies_to"] = cap.applies_to;
  return object;
}

}  // namespace

namespace {

// `orka ops caps`, in the shape of every command.
struct CapsCommand {
  std::optional<std::string> namespace_;
  bool json = false;

  static CommandInfo info() {
    return {"caps", {}, kSummary, kUsage, "print a JSON object instead of a table"};
  }
  static void add_flags(cxxopts::OptionAdder add) {
    add("n,namespace", "namespace the namespaced checks are made in (default: the context's)",
        cxxopts::value<std::string>());
  }
  static std::string_view flag_for(std::string_view) { return {}; }

  Result<void> complete(const CommandArgs& args, CommandContext&) {
    if (!args.positional.empty())
      return fail(ErrorKind::Usage,
                  fmt::format("caps takes no arguments, got \"{}\"", args.positional.front()),
                  std::string("usage: ") + kUsage);
    json = args.json;
    if (args.flags.count("namespace")) namespace_ = args.flags["namespace"].as<std::string>();
    return {};
  }

  Result<void> validate() const {
    if (namespace_ && namespace_->empty())
      return fail(ErrorKind::Usage, "-n/--namespace needs a namespace name",
                  std::string("usage: ") + kUsage);
    return {};
  }

  Result<int> run(CommandContext& ctx) {
    Services& services = ctx.services;
    auto client = services.client();
    if (!client) return fail(client.error());
    auto discovery = services.discovery();
    if (!discovery) return fail(discovery.error());
    std::string ns;
    if (namespace_) {
      ns = *namespace_;
    } else {
      auto default_ns = services.default_namespace();
      if (!default_ns) return fail(default_ns.error());
      ns = *default_ns;
    }

    auto resources = (*discovery)->resources(ctx.cancel);
    if (!resources) return fail(resources.error());
    // Discovery knows the served kind of a core resource's subresources (pods/eviction).
    std::optional<Error> lookup_error;
    SubresourceVersion served_as = [&](const std::string& group, const std::string& resource,
                                       const std::string& subresource) -> std::optional<std::string> {
      if (!group.empty()) return std::nullopt;
      auto version = (*discovery)->subresource_group_version(resource, subresource, ctx.cancel);
      if (!version) {
        if (!lookup_error) lookup_error = version.error();
        return std::nullopt;
      }
      return *version;
    };
    auto caps = plan_capabilities(ctx.ops.list(), *resources, served_as, ns);
    if (lookup_error && lookup_error->kind == ErrorKind::Cancelled) return fail(*lookup_error);
    if (auto checked = run_checks(**client, caps, ctx.cancel); !checked) return fail(checked.error());
    choose_transports(services, caps, ctx.cancel);

    if (json) {
      nlohmann::json ops = nlohmann::json::array();
      for (const auto& cap : caps) ops.push_back(to_json(cap));
      nlohmann::json document = {{"namespace", ns}, {"server", (*client)->server()}, {"ops", ops}};
      ctx.out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
      print_table(ctx.out, ns, caps);
    }
    return 0;
  }
};

}  // namespace

CommandSpec make_caps_command() { return command_spec<CapsCommand>(); }

}  // namespace orka::core
