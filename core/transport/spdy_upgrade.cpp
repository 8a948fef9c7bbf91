// The SPDY/3.1 upgrade handshake.
#include "transport/spdy_upgrade.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "orka/export.hpp"
#include "transport/http_chunked.hpp"
#include "transport/http_message.hpp"

namespace orka::core {
namespace {

constexpr std::size_t kMaxErrorBody = 1024 * 1024;

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

std::string base64(std::string_view data) {
  std::string encoded(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                     reinterpret_cast<const unsigned char*>(data.data()),
                                     static_cast<int>(data.size()));
  encoded.resize(static_cast<std::size_t>(std::max(length, 0)));
  return encoded;
}

bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (equals_ignore_case(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

std::string join_path(std::string_view prefix, std::string_view path) {
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  std::string joined(prefix);
  if (path.empty() || path.front() != '/') joined += '/';
  joined += path;
  return joined;
}

Error handshake_error(ErrorKind kind, std::string message) {
  return make_error(kind, "SPDY upgrade failed: " + std::move(message));
}

// Marks a failure that another transport may not have (is_protocol_refusal).
Error protocol_refused(Error error) {
  error.reason = "ProtocolRefused";
  return error;
}

// Best effort: the body of a refused upgrade (usually a Status), for the error message.
std::string read_error_body(Connection& connection, const ResponseHead& head,
                            std::string raw) {
  char chunk[16 * 1024];
  auto read_more = [&] {
    if (raw.size() >= kMaxErrorBody) return false;
    auto got = connection.read_some(chunk, sizeof chunk);
    if (!got || *got == 0) return false;
    raw.append(chunk, *got);
    return true;
  };
  auto framing = body_framing(head, "GET");
  if (!framing || framing->kind == BodyKind::None) return {};
  if (framing->kind == BodyKind::ContentLength) {
    const std::size_t length =
        static_cast<std::size_t>(std::min<std::uint64_t>(framing->length, kMaxErrorBody));
    while (raw.size() < length && read_more()) {
    }
    raw.resize(std::min(raw.size(), length));
    return raw;
  }
  if (framing->kind == BodyKind::Chunked) {
    ChunkedDecoder decoder;
    std::string body(kMaxErrorBody, '\0');
    std::size_t produced = 0;
    std::size_t consumed = 0;
    for (;;) {
      auto step = decoder.decode(std::string_view(raw).substr(consumed), body.data() + produced,
                                 body.size() - produced);
      if (!step) break;
      consumed += step->consumed;
      produced += step->produced;
      if (decoder.finished() || produced == body.size()) break;
      if (consumed == raw.size() && !read_more()) break;
    }
    body.resize(produced);
    return body;
  }
  while (read_more()) {
  }
  return raw;
}

}  // namespace

Result<SpdyUpgraded> spdy_upgrade(std::unique_ptr<Connection> connection,
                                  const std::string& host_header, const std::string& path_prefix,
                                  const UpgradeRequest& request, const Credentials& credentials,
                                  const CancelToken& cancel, std::string_view method) {
  if (!connection) return fail(ErrorKind::Internal, "spdy_upgrade: no connection");
  if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
  const std::string path = join_path(path_prefix, request.path);
  if (has_line_break(path) || has_line_break(host_header) || has_line_break(method))
    return fail(ErrorKind::Invalid, "the SPDY upgrade request line or host contains a line break");

  Headers headers{{"Connection", "Upgrade"}, {"Upgrade", "SPDY/3.1"}};
  for (const auto& protocol : request.protocols) {
    if (protocol.empty() || has_line_break(protocol))
      return fail(ErrorKind::Invalid, fmt::format("bad stream protocol name \"{}\"", protocol));
    headers.emplace_back("X-Stream-Protocol-Version", protocol);
  }
  if (!credentials.bearer_token.empty()) {
    if (has_line_break(credentials.bearer_token))
      return fail(ErrorKind::Config, "the bearer token contains a line break");
    headers.emplace_back("Authorization", "Bearer " + credentials.bearer_token);
  } else if (credentials.basic) {
    headers.emplace_back("Authorization",
                         "Basic " + base64(credentials.basic->first + ":" +
                                           credentials.basic->second));
  }
  bool user_agent = false;
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || has_line_break(name) || has_line_break(value))
      return fail(ErrorKind::Invalid,
                  fmt::format("the SPDY upgrade request header \"{}\" is malformed", name));
    user_agent = user_agent || equals_ignore_case(name, "User-Agent");
    headers.emplace_back(name, value);
  }
  if (!user_agent) headers.emplace_back("User-Agent", "orka/" ORKA_SDK_VERSION_STRING);

  Connection* raw_connection = connection.get();
  auto registration = cancel.on_cancel([raw_connection] { raw_connection->shutdown(); });
  auto io_error = [&](const Error& error) {
    return cancel.cancelled() ? make_error(ErrorKind::Cancelled, "cancelled") : error;
  };

  auto formatted = format_request(method, path, host_header, headers, {});
  if (!formatted) return fail(formatted.error());
  if (auto written = connection->write_all(*formatted); !written)
    return fail(io_error(written.error()));

  std::string received;
  std::optional<ParsedHead> parsed;
  char chunk[4096];
  for (;;) {
    auto head = parse_response_head(received);
    if (!head) return fail(handshake_error(ErrorKind::Transport, head.error().message));
    if (*head) {
      // 1xx answers other than 101 (100 Continue) precede the real one.
      if ((*head)->head.status >= 100 && (*head)->head.status < 200 &&
          (*head)->head.status != 101) {
        received.erase(0, (*head)->consumed);
        continue;
      }
      parsed = std::move(*head);
      break;
    }
    if (received.size() > max_response_head_size)
      return fail(handshake_error(ErrorKind::Transport, "the response head exceeds 64 KiB"));
    auto got = connection->read_some(chunk, sizeof chunk);
    if (!got) return fail(io_error(got.error()));
    if (*got == 0) {
      if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
      return fail(handshake_error(ErrorKind::Transport,
                                  "the server closed the connection before answering"));
    }
    received.append(chunk, *got);
  }
  const ResponseHead& head = parsed->head;
  std::string after_head = received.substr(parsed->consumed);

  if (head.status != 101) {
    const std::string body = read_error_body(*connection, head, std::move(after_head));
    if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "cancelled");
    Error error = error_from_http(head.status, body, request.permission);
    if (head.status == 400 && error.hint.empty() && !request.protocols.empty())
      error.hint = fmt::format("the server refused the SPDY upgrade offering {}",
                               fmt::join(request.protocols, ", "));
    return fail(std::move(error));
  }
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

  registration.reset();
  return SpdyUpgraded{make_connection_spdy_pipe(std::move(connection), std::move(after_head)),
                      std::move(protocol)};
}

}  // namespace orka::core
