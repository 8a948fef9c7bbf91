// Paths of a discovered resource: the one place that knows /api vs /apis and namespaced URLs.
#include "orka/discovery.hpp"

namespace orka {
inline namespace v0 {

std::string ApiResource::group_version_path() const {
  if (group.empty()) return "/api/" + version;
  return "/apis/" + group + "/" + version;
}

std::string ApiResource::collection_path(std::string_view namespace_) const {
  std::string path = group_version_path();
  // A cluster-scoped resource ignores the namespace; an empty namespace lists across all.
  if (namespaced && !namespace_.empty()) {
    path += "/namespaces/";
    path += namespace_;
  }
  path += "/" + resource;
  return path;
}

std::string ApiResource::object_path(std::string_view namespace_, std::string_view name) const {
  std::string path = collection_path(namespace_);
  path += "/";
  path += name;
  return path;
}

}  // namespace v0
}  // namespace orka
