// Which kubeconfig files to read and how to merge them (client-go's ClientConfigLoadingRules).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kubeconfig/kubeconfig_model.hpp"
#include "orka/error.hpp"
#include "util/environment.hpp"

namespace orka::core {

struct KubeconfigSources {
  std::vector<std::string> existing;  // files to load, highest precedence first
  std::vector<std::string> searched;  // every candidate, for "nothing found" messages
  std::string origin;                 // "--kubeconfig", "KUBECONFIG" or "$HOME/.kube/config"
  bool explicit_file = false;         // --kubeconfig: exactly one file, which must exist
};

// --kubeconfig wins; else every KUBECONFIG entry (colon list, empties and duplicates dropped,
// missing files skipped); else $HOME/.kube/config.
KubeconfigSources locate_kubeconfig_files(const std::optional<std::string>& explicit_path,
                                          const EnvLookup& getenv);

// The first file to define a cluster/user/context name wins that whole entry, and the first
// file to set current-context wins it; later files only add names not seen before.
KubeconfigDocument merge_kubeconfigs(const std::vector<KubeconfigDocument>& documents);

// Parses every existing file of `sources` and merges them (an explicit file that does not exist
// is NotFound; no files at all is an empty document).
Result<KubeconfigDocument> read_merged_kubeconfig(const KubeconfigSources& sources);

}  // namespace orka::core
