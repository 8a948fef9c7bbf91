#include "kubeconfig/static_auth.hpp"

#include <fmt/format.h>

namespace orka::core {

std::string describe_credentials(const Credentials& credentials) {
  std::string text;
  const auto add = [&](const std::string& part) {
    if (!text.empty()) text += " + ";
    text += part;
  };
  if (credentials.client_certificate) add("client certificate");
  if (!credentials.bearer_token.empty()) add("bearer token");
  if (credentials.basic) add(fmt::format("basic auth (user {})", credentials.basic->first));
  return text.empty() ? "anonymous (no credentials)" : text;
}

StaticAuth::StaticAuth(Credentials credentials, std::string user_name)
    : credentials_(std::move(credentials)), user_name_(std::move(user_name)) {}

Result<Credentials> StaticAuth::credentials(const CancelToken&) { return credentials_; }

Result<Credentials> StaticAuth::refresh(const CancelToken&) {
  if (user_name_.empty())
    return fail(ErrorKind::Unauthorized,
                "the API server requires authentication, but the kubeconfig context has no user",
                "add a user to the context (kubectl config set-context --user NAME)");
  return fail(ErrorKind::Unauthorized,
              fmt::format("the API server rejected the {} of user \"{}\"",
                          describe_credentials(credentials_), user_name_),
              "the credentials may have expired or been revoked; get fresh ones from the "
              "cluster's administrator");
}

std::string StaticAuth::describe() const { return describe_credentials(credentials_); }

}  // namespace orka::core
