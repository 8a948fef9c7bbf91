// Parses one kubeconfig file (apiVersion v1, kind Config).
#pragma once

#include <string>

#include "kubeconfig/kubeconfig_model.hpp"
#include "orka/error.hpp"

namespace orka::core {

// Reads and parses `path`. Errors name the file and, for YAML/shape problems, the line.
// Relative paths (certificate-authority, client-certificate, client-key, tokenFile, and an
// exec command containing '/') are resolved against the file's directory.
Result<KubeconfigDocument> parse_kubeconfig_file(const std::string& path);

// Same, from text already in memory; `path` is used for messages and path resolution.
Result<KubeconfigDocument> parse_kubeconfig_text(const std::string& text, const std::string& path);

}  // namespace orka::core
