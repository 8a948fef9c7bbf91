// A NotFound checked against the namespace it was looked for in.
#include "orka/missing_namespace.hpp"

#include <fmt/format.h>

#include "orka/object_names.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

Error explain_not_found(Client& client, Error error, std::string_view namespace_,
                        const CancelToken& cancel) {
  if (error.kind != ErrorKind::NotFound || namespace_.empty()) return error;
  Permission needed{"get", "", "namespaces", "", "", std::string(namespace_)};
  auto found = get_json(client, ApiPath::group_version("", "v1").segment("namespaces").segment(namespace_),
                        cancel, needed);
  if (found || found.error().kind != ErrorKind::NotFound) return error;
  error.message = fmt::format("namespace {} does not exist ({})", quote_name(namespace_), error.message);
  error.hint = "check -n/--namespace (or the kubeconfig context's namespace); list namespaces "
               "with `kubectl get namespaces`";
  return error;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
