// Request targets for the Kubernetes API. Every path orka sends is built here: each path
// segment and each query value is percent-encoded on its own, so a name can never add a
// segment, a query, a fragment or a second request to the line it is written into.
#pragma once

#include <string>
#include <string_view>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

class ApiPath {
 public:
  // "/api/VERSION" for the core group (""), else "/apis/GROUP/VERSION".
  ORKA_API static ApiPath group_version(std::string_view group, std::string_view version);
  // "/apis/GROUP_VERSION", or "/api/v1" style for a core "v1": what discovery lists.
  ORKA_API static ApiPath group_version(std::string_view group_version);

  // Appends one segment: '/', '?', '#', '%', spaces and control characters in `value` are
  // encoded, so they stay part of this segment. "." and ".." are encoded too (no traversal).
  ORKA_API ApiPath& segment(std::string_view value);
  // Appends "namespaces/NAMESPACE" unless `namespace_` is empty (cluster-wide).
  ORKA_API ApiPath& in_namespace(std::string_view namespace_);
  // Appends "key=value" to the query, both encoded.
  ORKA_API ApiPath& query(std::string_view key, std::string_view value);

  // The path without its query: "/api/v1/namespaces/web/pods".
  const std::string& path() const { return path_; }
  // What goes into Request::path: the path and, when there is one, "?query".
  ORKA_API std::string str() const;

  bool operator==(const ApiPath&) const = default;

 private:
  std::string path_;
  std::string query_;
};

// Percent-encodes `value` so that only RFC 3986 unreserved characters stay as they are.
ORKA_API std::string url_encode(std::string_view value);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
