// Paths of a discovered resource: the one place that knows /api vs /apis and namespaced URLs.
#include "orka/discovery.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

ApiPath ApiResource::group_version_path() const { return ApiPath::group_version(group, version); }

ApiPath ApiResource::collection_path(std::string_view namespace_) const {
  ApiPath path = group_version_path();
  // A cluster-scoped resource ignores the namespace; an empty namespace lists across all.
  if (namespaced) path.in_namespace(namespace_);
  path.segment(resource);
  return path;
}

ApiPath ApiResource::object_path(std::string_view namespace_, std::string_view name) const {
  ApiPath path = collection_path(namespace_);
  path.segment(name);
  return path;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
