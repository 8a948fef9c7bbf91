#include "kubeconfig/loading_rules.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kubeconfig/file_access.hpp"
#include "kubeconfig/kubeconfig_parser.hpp"

namespace orka::core {
namespace {

std::vector<std::string> split_path_list(const std::string& list) {
  std::vector<std::string> entries;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto end = std::min(list.find(':', start), list.size());
    std::string entry = list.substr(start, end - start);
    if (!entry.empty() && std::find(entries.begin(), entries.end(), entry) == entries.end())
      entries.push_back(std::move(entry));
    start = end + 1;
  }
  return entries;
}

template <class Entry>
void add_missing(std::map<std::string, Entry>& into, const std::map<std::string, Entry>& from) {
  for (const auto& [name, entry] : from) into.emplace(name, entry);  // emplace keeps the first
}

}  // namespace

KubeconfigSources locate_kubeconfig_files(const std::optional<std::string>& explicit_path,
                                          const EnvLookup& getenv) {
  KubeconfigSources sources;
  if (explicit_path && !explicit_path->empty()) {
    sources.origin = "--kubeconfig";
    sources.explicit_file = true;
    sources.searched.push_back(*explicit_path);
    if (is_regular_file(*explicit_path)) sources.existing.push_back(*explicit_path);
    return sources;
  }
  if (auto list = getenv("KUBECONFIG"); list && !split_path_list(*list).empty()) {
    sources.origin = "KUBECONFIG";
    sources.searched = split_path_list(*list);
    for (const auto& file : sources.searched)
      if (is_regular_file(file)) sources.existing.push_back(file);
    return sources;
  }
  sources.origin = "$HOME/.kube/config";
  if (auto home = getenv("HOME"); home && !home->empty()) {
    const std::string file = *home + "/.kube/config";
    sources.searched.push_back(file);
    if (is_regular_file(file)) sources.existing.push_back(file);
  }
  return sources;
}

KubeconfigDocument merge_kubeconfigs(const std::vector<KubeconfigDocument>& documents) {
  KubeconfigDocument merged;
  for (const auto& document : documents) {
    merged.files.insert(merged.files.end(), document.files.begin(), document.files.end());
    add_missing(merged.clusters, document.clusters);
    add_missing(merged.users, document.users);
    add_missing(merged.contexts, document.contexts);
    if (merged.current_context.empty() && !document.current_context.empty()) {
      merged.current_context = document.current_context;
      merged.current_context_file = document.current_context_file;
    }
  }
  return merged;
}

Result<KubeconfigDocument> read_merged_kubeconfig(const KubeconfigSources& sources) {
  if (sources.explicit_file && sources.existing.empty())
    return fail(ErrorKind::NotFound,
                fmt::format("kubeconfig file {} (from --kubeconfig) does not exist or is not a "
                            "regular file",
                            sources.searched.front()),
                "check the path passed to --kubeconfig");
  std::vector<KubeconfigDocument> documents;
  for (const auto& file : sources.existing) {
    auto document = parse_kubeconfig_file(file);
    if (!document) return fail(document.error());
    documents.push_back(std::move(*document));
  }
  return merge_kubeconfigs(documents);
}

}  // namespace orka::core
