// Credentials fixed at load time: client certificate, literal token, basic auth, or none.
#pragma once

#include <string>

#include "kubeconfig/rest_config.hpp"

namespace orka::core {

// "client certificate + bearer token", "basic auth (user alice)", "anonymous" — never secrets.
std::string describe_credentials(const Credentials& credentials);

class StaticAuth final : public AuthProvider {
 public:
  // `user_name` is the kubeconfig user entry, used only in messages ("" for anonymous).
  StaticAuth(Credentials credentials, std::string user_name);

  Result<Credentials> credentials(const CancelToken& cancel) override;
  // Nothing can change: always Unauthorized, naming what the server rejected.
  Result<Credentials> refresh(const CancelToken& cancel) override;
  std::string describe() const override;

 private:
  Credentials credentials_;
  std::string user_name_;
};

}  // namespace orka::core
