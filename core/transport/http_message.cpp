#include "transport/http_message.hpp"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "orka/object_names.hpp"

namespace orka::core {
namespace {

std::unexpected<Error> malformed(std::string_view what) {
  return fail(ErrorKind::Transport, fmt::format("malformed HTTP response from the server: {}", what),
              "the address may not be a Kubernetes API server, or a proxy in between garbled "
              "the response");
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

// The token after the last comma: the coding applied last, which frames the message.
std::string_view last_token(std::string_view list) {
  auto comma = list.rfind(',');
  return trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
}

// RFC 9110 tchar: what a method and a header name are made of.
bool token_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool control_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

// The first byte at which `text` stops being a valid request-line part, or npos. A target
// and a host are visible ASCII only: a space ends the target, CR/LF end the line.
std::size_t first_unsafe(std::string_view text, bool token) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (token ? !token_char(c) : (byte <= 0x20 || byte >= 0x7F)) return i;
  }
  return std::string_view::npos;
}

std::string unsafe_at(std::string_view what, std::string_view text, std::size_t at) {
  return fmt::format("the {} {} has {} at position {}", what, quote_name(text),
                     quote_name(text.substr(at, 1)), at + 1);
}

// Why the request line cannot be written, or "".
std::string refuse_request_line(std::string_view method, std::string_view target,
                                std::string_view host) {
  if (method.empty()) return "the method is empty";
  if (auto at = first_unsafe(method, true); at != std::string_view::npos)
    return unsafe_at("method", method, at);
  if (target.empty()) return "the target is empty";
  if (auto at = first_unsafe(target, false); at != std::string_view::npos)
    return unsafe_at("target", target, at);
  if (auto at = first_unsafe(host, false); at != std::string_view::npos)
    return unsafe_at("host", host, at);
  return {};
}

// Why a header cannot be written, or "". The value is not shown: it may be a credential.
std::string refuse_header(std::string_view name, std::string_view value) {
  if (name.empty()) return "a header name is empty";
  if (auto at = first_unsafe(name, true); at != std::string_view::npos)
    return unsafe_at("header name", name, at);
  for (std::size_t i = 0; i < value.size(); ++i)
    if (control_char(value[i]) && value[i] != '\t')
      return fmt::format("the value of header {} has the control character {} at position {}",
                         quote_name(name), quote_name(value.substr(i, 1)), i + 1);
  return {};
}

}  // namespace

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    auto comma = list.find(',');
    if (equals_ignore_case(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string ResponseHead::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (equals_ignore_case(key, name)) return value;
  return {};
}

Result<std::optional<ParsedHead>> parse_response_head(std::string_view bytes) {
  // Find the empty line that ends the head before parsing anything.
  std::size_t end = std::string_view::npos;
  for (std::size_t pos = bytes.find('\n'); pos != std::string_view::npos;
       pos = bytes.find('\n', pos + 1)) {
    std::size_t next = pos + 1;
    if (next < bytes.size() && bytes[next] == '\n') {
      end = next + 1;
      break;
    }
    if (next + 1 < bytes.size() && bytes[next] == '\r' && bytes[next + 1] == '\n') {
      end = next + 2;
      break;
    }
    if (next >= max_response_head_size) break;
  }
  if (end == std::string_view::npos) {
    if (bytes.size() > max_response_head_size)
      return malformed(fmt::format("the response head exceeds {} bytes", max_response_head_size));
    return std::optional<ParsedHead>{};
  }

  ParsedHead parsed;
  parsed.consumed = end;
  std::string_view head = bytes.substr(0, end);
  auto next_line = [&head]() {
    auto newline = head.find('\n');
    std::string_view line = head.substr(0, newline);
    head.remove_prefix(newline == std::string_view::npos ? head.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };

  std::string_view status_line = next_line();
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." ||
      !std::isdigit(static_cast<unsigned char>(status_line[7])) || status_line[8] != ' ')
    return malformed(fmt::format("bad status line \"{}\"", status_line.substr(0, 80)));
  parsed.head.version_minor = status_line[7] - '0';
  std::string_view code = status_line.substr(9, 3);
  int status = 0;
  auto [code_end, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
  if (ec != std::errc{} || code_end != code.data() + 3 || status < 100)
    return malformed(fmt::format("bad status code in \"{}\"", status_line.substr(0, 80)));
  if (status_line.size() > 12 && status_line[12] != ' ')
    return malformed(fmt::format("bad status line \"{}\"", status_line.substr(0, 80)));
  parsed.head.status = status;
  parsed.head.reason = std::string(trim(status_line.size() > 13 ? status_line.substr(13) : ""));

  for (std::string_view line = next_line(); !line.empty(); line = next_line()) {
    if (line.front() == ' ' || line.front() == '\t') {
      // Obsolete line folding: continue the previous header's value.
      if (parsed.head.headers.empty()) return malformed("a continuation line before any header");
      auto& value = parsed.head.headers.back().second;
      value += ' ';
      value += trim(line);
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return malformed(fmt::format("bad header line \"{}\"", line.substr(0, 80)));
    std::string_view name = line.substr(0, colon);
    if (name.back() == ' ' || name.back() == '\t')
      return malformed(fmt::format("whitespace before the colon in \"{}\"", line.substr(0, 80)));
    parsed.head.headers.emplace_back(std::string(name), std::string(trim(line.substr(colon + 1))));
  }
  return std::optional<ParsedHead>{std::move(parsed)};
}

Result<BodyFraming> body_framing(const ResponseHead& head, std::string_view request_method) {
  if (equals_ignore_case(request_method, "HEAD") || head.status < 200 || head.status == 204 ||
      head.status == 304)
    return BodyFraming{BodyKind::None, 0};
  std::string transfer_encoding = head.header("Transfer-Encoding");
  if (!transfer_encoding.empty()) {
    if (equals_ignore_case(last_token(transfer_encoding), "chunked"))
      return BodyFraming{BodyKind::Chunked, 0};
    return BodyFraming{BodyKind::UntilClose, 0};
  }
  bool seen = false;
  std::uint64_t length = 0;
  for (const auto& [name, value] : head.headers) {
    if (!equals_ignore_case(name, "Content-Length")) continue;
    std::string_view text = trim(value);
    std::uint64_t parsed = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
      return malformed(fmt::format("bad Content-Length \"{}\"", value.substr(0, 40)));
    if (seen && parsed != length) return malformed("conflicting Content-Length headers");
    seen = true;
    length = parsed;
  }
  if (seen) return BodyFraming{BodyKind::ContentLength, length};
  return BodyFraming{BodyKind::UntilClose, 0};
}

bool keeps_alive(const ResponseHead& head, const BodyFraming& framing) {
  if (framing.kind == BodyKind::UntilClose) return false;
  std::string connection = head.header("Connection");
  if (has_token(connection, "close")) return false;
  if (head.version_minor == 0) return has_token(connection, "keep-alive");
  return true;
}

Result<std::string> format_request(std::string_view method, std::string_view target,
                                   std::string_view host, const Headers& headers,
                                   std::string_view body) {
  if (auto refused = refuse_request_line(method, target, host); !refused.empty())
    return fail(ErrorKind::Invalid, "refusing to send the request: " + refused,
                "a name or setting carries characters that cannot be in an HTTP request; "
                "check the names and the kubeconfig server URL");
  for (const auto& [name, value] : headers) {
    if (auto refused = refuse_header(name, value); !refused.empty())
      return fail(ErrorKind::Invalid, "refusing to send the request: " + refused,
                  "check the kubeconfig credentials and any extra headers for line breaks");
  }
  std::string out;
  out.reserve(256 + target.size() + body.size());
  fmt::format_to(std::back_inserter(out), "{} {} HTTP/1.1\r\nHost: {}\r\n", method, target, host);
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    if (equals_ignore_case(name, "Content-Length")) has_length = true;
    fmt::format_to(std::back_inserter(out), "{}: {}\r\n", name, value);
  }
  bool carries_body = !body.empty() || equals_ignore_case(method, "POST") ||
                      equals_ignore_case(method, "PUT") || equals_ignore_case(method, "PATCH");
  if (carries_body && !has_length)
    fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", body.size());
  out += "\r\n";
  out += body;
  return out;
}

}  // namespace orka::core
