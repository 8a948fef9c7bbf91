// JSON conveniences over Client::send and Response::header.
#include <fmt/format.h>

#include "orka/client.hpp"
#include "transport/http_message.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {
namespace {

Result<nlohmann::json> parse_body(const Request& request, const Response& response) {
  if (response.body.empty()) return nlohmann::json();
  auto parsed = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    return fail(ErrorKind::Transport,
                fmt::format("{} {}: the server answered HTTP {} with a body that is not JSON",
                            request.method, request.path, response.status),
                "the address may not be a Kubernetes API server");
  return parsed;
}

}  // namespace

std::string Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (core::equals_ignore_case(key, name)) return value;
  return {};
}

Result<nlohmann::json> get_json(Client& client, const ApiPath& path, const CancelToken& cancel,
                                std::optional<Permission> permission) {
  Request request;
  request.method = "GET";
  request.path = path.str();
  request.permission = std::move(permission);
  auto response = client.send(request, cancel);
  if (!response) return std::unexpected(response.error());
  return parse_body(request, *response);
}

Result<nlohmann::json> send_json(Client& client, const std::string& method,
                                 const ApiPath& path, const nlohmann::json& body,
                                 const std::string& content_type, const CancelToken& cancel,
                                 std::optional<Permission> permission) {
  Request request;
  request.method = method;
  request.path = path.str();
  if (!body.is_null()) {
    request.body = body.dump();
    request.content_type = content_type.empty() ? "application/json" : content_type;
  }
  request.permission = std::move(permission);
  auto response = client.send(request, cancel);
  if (!response) return std::unexpected(response.error());
  return parse_body(request, *response);
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
