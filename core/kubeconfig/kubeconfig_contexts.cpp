#include "kubeconfig/kubeconfig_contexts.hpp"

#include <exception>

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
  KubeconfigContexts result;
  result.files = merged->files;
  result.current_context = merged->current_context;
  for (const auto& [name, entry] : merged->contexts) {  // a std::map: sorted already
    KubeconfigContext context{name, entry.cluster, {}, entry.user, entry.namespace_};
    if (auto cluster = merged->clusters.find(entry.cluster); cluster != merged->clusters.end())
      context.server = cluster->second.server;
    result.contexts.push_back(std::move(context));
  }
  return result;
}

}  // namespace orka::core

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

Result<KubeconfigContexts> read_kubeconfig_contexts(const std::optional<std::string>& explicit_path) {
  return core::load_kubeconfig_contexts(explicit_path, core::process_getenv);
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
