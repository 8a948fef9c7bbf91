// The request-target builder; Poco::URI does the percent-encoding.
#include "orka/api_path.hpp"

#include <Poco/URI.h>

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {
namespace {

// Poco encodes everything outside RFC 3986's unreserved set that is illegal or listed here;
// listing every delimiter leaves only unreserved characters unencoded, which is what one
// segment or one query value needs (a '/', '&' or '=' inside it must not act as one).
const std::string kEveryDelimiter = ":/?#[]@!$&'()*+,;=";

}  // namespace

std::string url_encode(std::string_view value) {
  std::string out;
  Poco::URI::encode(std::string(value), kEveryDelimiter, out);
  return out;
}

ApiPath ApiPath::group_version(std::string_view group, std::string_view version) {
  ApiPath path;
  if (group.empty()) return path.segment("api").segment(version);
  return path.segment("apis").segment(group).segment(version);
}

ApiPath ApiPath::group_version(std::string_view group_version) {
  auto slash = group_version.find('/');
  if (slash == std::string_view::npos) return ApiPath::group_version("", group_version);
  return ApiPath::group_version(group_version.substr(0, slash), group_version.substr(slash + 1));
}

ApiPath& ApiPath::segment(std::string_view value) {
  path_ += '/';
  if (value == "." || value == "..") {
    // Unreserved, so Poco keeps them; as a whole segment they would mean "here" or "up".
    for (std::size_t i = 0; i < value.size(); ++i) path_ += "%2E";
    return *this;
  }
  path_ += url_encode(value);
  return *this;
}

ApiPath& ApiPath::in_namespace(std::string_view namespace_) {
  if (namespace_.empty()) return *this;
  return segment("namespaces").segment(namespace_);
}

ApiPath& ApiPath::query(std::string_view key, std::string_view value) {
  if (!query_.empty()) query_ += '&';
  query_ += url_encode(key);
  query_ += '=';
  query_ += url_encode(value);
  return *this;
}

std::string ApiPath::str() const {
  if (query_.empty()) return path_.empty() ? std::string("/") : path_;
  return (path_.empty() ? std::string("/") : path_) + "?" + query_;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
