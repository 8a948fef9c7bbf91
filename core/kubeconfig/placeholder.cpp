// TEMPORARY placeholder (replaced by the kubeconfig room's real sources).
#include "kubeconfig/kubeconfig.hpp"
namespace orka::core {
Result<RestConfig> load_rest_config(const KubeconfigLoadOptions&) {
  return fail(ErrorKind::Unsupported, "kubeconfig loading is not built yet");
}
}  // namespace orka::core
