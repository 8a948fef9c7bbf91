#include "transport/http_upgrade.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "orka/export.hpp"
#include "transport/http_response_reader.hpp"
#include "transport/tls_dial.hpp"

namespace orka::core {
namespace {

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

std::string join_path(std::string_view prefix, std::string_view path) {
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  std::string joined(prefix);
  if (path.empty() || path.front() != '/') joined += '/';
  joined += path;
  return joined;
}

}  // namespace

Error upgrade_error(std::string_view protocol_name, ErrorKind kind, std::string_view message) {
  return make_error(kind, fmt::format("{} upgrade failed: {}", protocol_name, message));
}

Result<UpgradeAnswer> http_upgrade(Connection& connection, const std::string& host_header,
                                   const std::string& path_prefix, const UpgradeRequest& request,
                                   const Credentials& credentials, const CancelToken& cancel,
                                   const UpgradeSpec& spec) {
  if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
  const std::string path = join_path(path_prefix, request.path);
  if (has_line_break(path) || has_line_break(host_header) || has_line_break(spec.method))
    return fail(ErrorKind::Invalid,
                fmt::format("the {} upgrade request line or host contains a line break",
                            spec.protocol_name));

  Headers headers = spec.upgrade_headers;
  if (!credentials.bearer_token.empty()) {
    if (has_line_break(credentials.bearer_token))
      return fail(ErrorKind::Config, "the bearer token contains a line break");
    headers.emplace_back("Authorization", "Bearer " + credentials.bearer_token);
  } else if (credentials.basic) {
    headers.emplace_back("Authorization",
                         basic_authorization(credentials.basic->first, credentials.basic->second));
  }
  bool user_agent = false;
  for (const auto& [name, value] : request.headers) {
    user_agent = user_agent || equals_ignore_case(name, "User-Agent");
    headers.emplace_back(name, value);
  }
  if (!user_agent) headers.emplace_back("User-Agent", "orka/" ORKA_SDK_VERSION_STRING);
  for (const auto& [name, value] : headers)
    if (name.empty() || has_line_break(name) || has_line_break(value))
      return fail(ErrorKind::Invalid, fmt::format("the {} upgrade request header \"{}\" is malformed",
                                                  spec.protocol_name, name));

  auto registration = cancel.on_cancel([&connection] { connection.shutdown(); });
  auto io_error = [&](const Error& error) {
    return cancel.cancelled() ? make_error(ErrorKind::Cancelled, "cancelled") : error;
  };

  connection.set_timeout(spec.answer_timeout);
  ResponseReader reader(connection, spec.answer_timeout);
  if (spec.answer_timeout.count() > 0)
    reader.set_deadline(ResponseReader::Clock::now() + spec.answer_timeout,
                        fmt::format("answer to the {} upgrade ({} s)", spec.protocol_name,
                                    std::chrono::duration<double>(spec.answer_timeout).count()));
  auto formatted = format_request(spec.method, path, host_header, headers, {});
  if (!formatted) return fail(formatted.error());
  if (auto written = connection.write_all(*formatted); !written)
    return fail(io_error(written.error()));
  auto head = reader.read_head(spec.method);
  if (!head) {
    if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
    Error error = upgrade_error(spec.protocol_name, head.error().kind, head.error().message);
    error.hint = head.error().hint;
    return fail(std::move(error));
  }

  if (head->status != 101) {
    std::string body;
    auto read = reader.read_body_into(body, kMaxUpgradeErrorBody);
    if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
    if (!read)
      return fail(upgrade_error(
          spec.protocol_name, read.error().kind,
          fmt::format("the server refused with HTTP {} {:.80} and its answer could not be read: {}",
                      head->status, head->reason, read.error().message)));
    Error error = error_from_http(head->status, body, request.permission);
    // Only a bare 400 is about the upgrade; one with a Kubernetes Status is the API refusing the
    // request itself (a container the pod does not have, a missing parameter), whatever the wire.
    if (head->status == 400 && error.reason.empty() && error.hint.empty() && !request.protocols.empty())
      error.hint = fmt::format("the server refused the {} upgrade offering {}", spec.protocol_name,
                               fmt::join(request.protocols, ", "));
    return fail(std::move(error));
  }
  connection.set_timeout(std::chrono::milliseconds::zero());
  return UpgradeAnswer{std::move(*head), reader.take_buffered()};
}

}  // namespace orka::core
