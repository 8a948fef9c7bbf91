// can_i: a SelfSubjectAccessReview, the same question `kubectl auth can-i` asks.
#include <fmt/format.h>

#include "orka/discovery.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

namespace {

nlohmann::json review_body(const Permission& what) {
  nlohmann::json attributes = {{"verb", what.verb}, {"resource", what.resource}};
  // Empty fields are left out: an empty namespace asks about every namespace.
  if (!what.group.empty()) attributes["group"] = what.group;
  if (!what.subresource.empty()) attributes["subresource"] = what.subresource;
  if (!what.namespace_.empty()) attributes["namespace"] = what.namespace_;
  if (!what.name.empty()) attributes["name"] = what.name;
  return {{"apiVersion", "authorization.k8s.io/v1"},
          {"kind", "SelfSubjectAccessReview"},
          {"spec", {{"resourceAttributes", attributes}}}};
}

}  // namespace

Result<AccessDecision> can_i(Client& client, const Permission& what, const CancelToken& cancel) {
  Request request;
  request.method = "POST";
  request.path =
      ApiPath::group_version("authorization.k8s.io", "v1").segment("selfsubjectaccessreviews").str();
  request.body = review_body(what).dump();
  request.content_type = "application/json";
  request.permission = Permission{"create", "authorization.k8s.io", "selfsubjectaccessreviews",
                                  "", "", ""};
  auto response = client.send(request, cancel);
  if (!response) return fail(response.error());

  auto review = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  auto status = review.is_object() ? review.find("status") : review.end();
  if (!review.is_object() || status == review.end() || !status->is_object())
    return fail(ErrorKind::Transport,
                fmt::format("the SelfSubjectAccessReview for \"{}\" came back without a status",
                            what.describe()));
  // Field by field without throwing: a server bug must not become an exception here.
  auto flag = [&](const char* key) {
    auto it = status->find(key);
    return it != status->end() && it->is_boolean() && it->get<bool>();
  };
  auto text = [&](const char* key) {
    auto it = status->find(key);
    return it != status->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  AccessDecision decision;
  decision.allowed = flag("allowed") && !flag("denied");
  decision.reason = text("reason");
  std::string evaluation_error = text("evaluationError");
  if (!evaluation_error.empty())
    decision.reason += (decision.reason.empty() ? "" : "; ") + evaluation_error;
  return decision;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
