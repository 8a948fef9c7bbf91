#include "version_command.hpp"

#include <fmt/format.h>

#include "orka/host.hpp"
#include "orka/plugin.hpp"

namespace orka::cli {

namespace {

std::string abi_text() {
  return fmt::format("{}.{}", ORKA_PLUGIN_ABI_MAJOR, ORKA_PLUGIN_ABI_MINOR);
}

nlohmann::json plan_json(const TransportPlan& plan) {
  nlohmann::json attempts = nlohmann::json::array();
  for (const TransportAttempt& attempt : plan.attempts)
    attempts.push_back({{"wire", to_string(attempt.wire)}, {"protocols", attempt.protocols}});
  return {{"attempts", std::move(attempts)}, {"reason", plan.reason}};
}

}  // namespace

Result<VersionArgs> parse_version_args(const std::vector<std::string>& words) {
  VersionArgs args;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i] == "--server")
      args.server = true;
    else if (words[i] == "--json")
      args.json = true;
    else
      return fail(ErrorKind::Usage,
                  fmt::format("unexpected argument \"{:.80}\" for `orka version`", words[i]),
                  "`orka version` takes --server and --json only; run `orka version --help`");
  }
  return args;
}

std::vector<AutoChoice> auto_choices(const ServerVersion& server) {
  // The same calls exec and pf make with --transport auto (their default).
  return {
      {"exec_stdin", "exec -i",
       plan_exec_transport(StreamTransport::Auto, server, /*stdin=*/true)},
      {"exec", "exec", plan_exec_transport(StreamTransport::Auto, server, /*stdin=*/false)},
      {"pf", "pf", plan_forward_transport(StreamTransport::Auto, server)},
  };
}

std::string describe_choice(const AutoChoice& choice) {
  if (choice.plan.attempts.empty()) return fmt::format("{}: auto → nothing", choice.label);
  const TransportAttempt& first = choice.plan.attempts.front();
  std::string line = fmt::format("{}: auto → {}", choice.label, to_string(first.wire));
  if (!first.protocols.empty()) line += fmt::format(" ({})", fmt::join(first.protocols, ", "));
  for (std::size_t i = 1; i < choice.plan.attempts.size(); ++i)
    line += fmt::format("{}{}", i == 1 ? "; if refused: " : ", then ",
                        to_string(choice.plan.attempts[i].wire));
  if (!choice.plan.reason.empty()) line += " — " + choice.plan.reason;
  return line;
}

nlohmann::json client_version_json() {
  return {{"version", version_string()}, {"plugin_abi", abi_text()}};
}

nlohmann::json server_version_json(const ServerVersion& server, const std::string& server_url) {
  nlohmann::json picks = nlohmann::json::object();
  for (const AutoChoice& choice : auto_choices(server)) picks[choice.key] = plan_json(choice.plan);
  return {{"client", client_version_json()},
          {"server",
           {{"url", server_url},
            {"git_version", server.git_version},
            {"major", server.major},
            {"minor", server.minor}}},
          {"auto", std::move(picks)}};
}

void print_client_version(std::ostream& out) {
  out << fmt::format("orka {} (plugin ABI {})\n", version_string(), abi_text());
}

void print_server_version(std::ostream& out, const ServerVersion& server,
                          const std::string& server_url) {
  print_client_version(out);
  const std::string version = server.git_version.empty()
                                  ? fmt::format("{}.{}", server.major, server.minor)
                                  : server.git_version;
  out << fmt::format("server: {} ({})\n", version, server_url);
  for (const AutoChoice& choice : auto_choices(server)) out << describe_choice(choice) << '\n';
}

Result<ServerVersion> ask_server_version(Services& services, const CancelToken& cancel,
                                         std::string& server_url) {
  auto client = services.client();
  if (!client) return fail(client.error());  // kubeconfig/context problems say what to fix
  server_url = (*client)->server();
  auto version = services.server_version(cancel);
  if (version) return version;
  Error error = version.error();
  switch (error.kind) {
    case ErrorKind::Transport:
    case ErrorKind::Timeout:
    case ErrorKind::Unavailable:
      error.message = fmt::format("cannot get the version of the API server at {}: {}",
                                  server_url, error.message);
      error.hint = fmt::format(
          "check that the API server at {} is running and reachable from here, and that "
          "--context/--kubeconfig (or $KUBECONFIG) name the cluster you mean; `-v` shows the "
          "request",
          server_url);
      break;
    default:  // refused credentials, RBAC, cancellation: their own message and hint fit
      break;
  }
  return fail(std::move(error));
}

}  // namespace orka::cli
