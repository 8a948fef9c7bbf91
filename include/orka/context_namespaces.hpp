// A namespace per kubeconfig context, standing in for the context's own namespace when no -n is
// given: orka's config file (`contexts: NAME: namespace: NS`). A capability the host's Services
// also has, beside the Services interface (which the plugin ABI keeps unchanged): probe for it
// with dynamic_cast<ContextNamespaces*>(&host->services()).
#pragma once

#include <map>
#include <string>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

class ORKA_API ContextNamespaces {
 public:
  virtual ~ContextNamespaces();
  // Context name → namespace (each already a valid namespace name). Takes effect when the
  // kubeconfig is first loaded, so call it before the first request.
  virtual void set_context_namespaces(std::map<std::string, std::string> by_context) = 0;
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
