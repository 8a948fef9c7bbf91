// The SPDY/3.1 upgrade handshake.
#include "transport/spdy_upgrade.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "transport/http_message.hpp"
#include "transport/http_upgrade.hpp"

namespace orka::core {
namespace {

constexpr std::string_view kProtocolName = "SPDY";

Error handshake_error(ErrorKind kind, std::string_view message) {
  return upgrade_error(kProtocolName, kind, message);
}

// Marks a failure that another transport may not have (is_protocol_refusal).
Error protocol_refused(Error error) {
  error.reason = "ProtocolRefused";
  return error;
}

}  // namespace

Result<SpdyUpgraded> spdy_upgrade(std::unique_ptr<Connection> connection,
                                  const std::string& host_header, const std::string& path_prefix,
                                  const UpgradeRequest& request, const Credentials& credentials,
                                  const CancelToken& cancel, std::string_view method) {
  if (!connection) return fail(ErrorKind::Internal, "spdy_upgrade: no connection");
  UpgradeSpec spec;
  spec.method = method;
  spec.protocol_name = kProtocolName;
  spec.upgrade_headers = {{"Connection", "Upgrade"}, {"Upgrade", "SPDY/3.1"}};
  for (const auto& protocol : request.protocols) {
    if (protocol.empty() || protocol.find_first_of("\r\n") != std::string::npos)
      return fail(ErrorKind::Invalid, fmt::format("bad stream protocol name \"{}\"", protocol));
    spec.upgrade_headers.emplace_back("X-Stream-Protocol-Version", protocol);
  }
  spec.answer_timeout = kSpdyUpgradeAnswerTimeout;
  auto answer = http_upgrade(*connection, host_header, path_prefix, request, credentials, cancel,
                             spec);
  if (!answer) return fail(answer.error());
  const ResponseHead& head = answer->head;
  if (!equals_ignore_case(head.header("Upgrade"), "SPDY/3.1"))
    return fail(protocol_refused(handshake_error(
        ErrorKind::Transport,
        fmt::format("the server's 101 answer upgrades to \"{:.60}\", not \"SPDY/3.1\"",
                    head.header("Upgrade")))));
  if (!has_token(head.header("Connection"), "upgrade"))
    return fail(handshake_error(ErrorKind::Transport,
                                "the server's 101 answer lacks \"Connection: Upgrade\""));
  std::string protocol = head.header("X-Stream-Protocol-Version");
  if (!protocol.empty() &&
      std::find(request.protocols.begin(), request.protocols.end(), protocol) ==
          request.protocols.end())
    return fail(protocol_refused(handshake_error(
        ErrorKind::Transport,
        fmt::format("the server chose stream protocol \"{:.100}\", which was not offered ({})",
                    protocol, fmt::join(request.protocols, ", ")))));

  return SpdyUpgraded{make_connection_spdy_pipe(std::move(connection), std::move(answer->early_bytes)),
                      std::move(protocol)};
}

}  // namespace orka::core
