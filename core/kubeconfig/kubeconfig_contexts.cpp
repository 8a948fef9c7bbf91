#include "orka/kubeconfig_contexts.hpp"

#include <cstdlib>
#include <exception>

#include "kubeconfig/kubeconfig_parser.hpp"
#include "kubeconfig/loading_rules.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

Result<KubeconfigContexts> read_kubeconfig_contexts(
    const std::optional<std::string>& explicit_path) {
  try {
    const core::EnvLookup getenv = [](const std::string& name) -> std::optional<std::string> {
      const char* value = std::getenv(name.c_str());
      return value ? std::optional<std::string>(value) : std::nullopt;
    };
    const auto sources = core::locate_kubeconfig_files(explicit_path, getenv);
    std::vector<core::KubeconfigDocument> documents;
    for (const auto& file : sources.existing) {
      auto document = core::parse_kubeconfig_file(file);
      if (!document) return fail(document.error());
      documents.push_back(std::move(*document));
    }
    const auto merged = core::merge_kubeconfigs(documents);
    KubeconfigContexts result;
    result.files = merged.files;
    result.current_context = merged.current_context;
    for (const auto& [name, entry] : merged.contexts) {  // a std::map: sorted already
      KubeconfigContext context{name, entry.cluster, {}, entry.user, entry.namespace_};
      if (auto cluster = merged.clusters.find(entry.cluster); cluster != merged.clusters.end())
        context.server = cluster->second.server;
      result.contexts.push_back(std::move(context));
    }
    return result;
  } catch (const std::exception& e) {
    return fail(ErrorKind::Internal, std::string("reading the kubeconfig failed: ") + e.what());
  }
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
