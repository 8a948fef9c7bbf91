#include "kubeconfig/kubeconfig_contexts.hpp"

#include <fmt/format.h>

namespace orka::core {

Result<KubeconfigContexts> load_kubeconfig_contexts(const std::optional<std::string>& explicit_path,
                                                    const EnvLookup& getenv) {
  Result<KubeconfigDocument> merged;
  try {  // as load_rest_config: no library exception leaves liborka's kubeconfig room
    merged = read_merged_kubeconfig(locate_kubeconfig_files(explicit_path, getenv));
  } catch (const std::exception& e) {
    return fail(ErrorKind::Internal, fmt::format("reading the kubeconfig failed: {}", e.what()));
  }
  if (!merged) return fail(merged.error());
  KubeconfigContexts contexts;
  for (const auto& [name, entry] : merged->contexts) contexts.names.push_back(name);  // map: sorted
  contexts.current = merged->current_context;
  contexts.files = merged->files;
  return contexts;
}

}  // namespace orka::core
