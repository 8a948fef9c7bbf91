// A bearer token read from a file that something else rotates (tokenFile, projected
// service-account tokens): re-read whenever the file changes.
#pragma once

#include <ctime>
#include <mutex>
#include <string>

#include "kubeconfig/rest_config.hpp"

namespace orka::core {

class TokenFileAuth final : public AuthProvider {
 public:
  // Reads the file now: a missing, unreadable or empty token file is a load-time error.
  // `base` carries other credentials presented alongside (e.g. a client certificate).
  // `label` prefixes describe(), e.g. "token file" or "service account token".
  static Result<std::shared_ptr<TokenFileAuth>> open(std::string path, Credentials base,
                                                     std::string label = "token file");

  Result<Credentials> credentials(const CancelToken& cancel) override;
  // Re-reads the file; Unauthorized when it still holds the token that was rejected.
  Result<Credentials> refresh(const CancelToken& cancel) override;
  std::string describe() const override;

  struct FileStamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec modified{};
    bool operator==(const FileStamp& other) const;
  };

 private:
  TokenFileAuth(std::string path, Credentials base, std::string label);
  Result<void> reload();  // caller holds mutex_

  std::string path_;
  std::string label_;
  mutable std::mutex mutex_;
  Credentials current_;
  FileStamp stamp_;
};

}  // namespace orka::core
