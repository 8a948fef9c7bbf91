#include "kubeconfig/token_file_auth.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include "kubeconfig/file_access.hpp"

namespace orka::core {
namespace {

std::optional<TokenFileAuth::FileStamp> stamp_of(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  return TokenFileAuth::FileStamp{info.st_dev, info.st_ino, info.st_size, info.st_mtim};
}

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

bool TokenFileAuth::FileStamp::operator==(const FileStamp& other) const {
  return device == other.device && inode == other.inode && size == other.size &&
         modified.tv_sec == other.modified.tv_sec && modified.tv_nsec == other.modified.tv_nsec;
}

TokenFileAuth::TokenFileAuth(std::string path, Credentials base, std::string label)
    : path_(std::move(path)), label_(std::move(label)), current_(std::move(base)) {}

Result<std::shared_ptr<TokenFileAuth>> TokenFileAuth::open(std::string path, Credentials base,
                                                           std::string label) {
  std::shared_ptr<TokenFileAuth> auth(
      new TokenFileAuth(std::move(path), std::move(base), std::move(label)));
  std::lock_guard lock(auth->mutex_);
  if (auto ok = auth->reload(); !ok) return fail(ok.error());
  return auth;
}

Result<void> TokenFileAuth::reload() {
  // Stamp first: if the file changes while we read, the next call sees a new stamp and reads again.
  const auto stamp = stamp_of(path_);
  auto content = read_referenced_file(path_, label_);
  if (!content) return fail(content.error());
  std::string token = trim(std::move(*content));
  if (token.empty())
    return fail(ErrorKind::Config, fmt::format("{} {} is empty", label_, path_),
                "the file must contain a bearer token");
  current_.bearer_token = std::move(token);
  if (stamp) stamp_ = *stamp;
  return {};
}

Result<Credentials> TokenFileAuth::credentials(const CancelToken&) {
  std::lock_guard lock(mutex_);
  const auto stamp = stamp_of(path_);
  // While the file is being replaced (missing, or briefly empty) keep presenting the last token.
  if (stamp && !(*stamp == stamp_)) (void)reload();
  return current_;
}

Result<Credentials> TokenFileAuth::refresh(const CancelToken&) {
  std::lock_guard lock(mutex_);
  const std::string rejected = current_.bearer_token;
  if (auto ok = reload(); !ok) return fail(ok.error());
  if (current_.bearer_token == rejected)
    return fail(ErrorKind::Unauthorized,
                fmt::format("the API server rejected the token in {} {}", label_, path_),
                "the file still holds the rejected token; replace it with a valid one");
  return current_;
}

std::string TokenFileAuth::describe() const {
  std::lock_guard lock(mutex_);
  std::string text = fmt::format("{} {}", label_, path_);
  if (current_.client_certificate) text = "client certificate + " + text;
  if (current_.basic) text += fmt::format(" + basic auth (user {})", current_.basic->first);
  return text;
}

}  // namespace orka::core
