// What the host offers every plugin: the API client, discovery, the default namespace and a
// diagnostics log. Everything here is created lazily, so commands that never touch the
// cluster (help, plugin listing) never read a kubeconfig.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "orka/client.hpp"
#include "orka/discovery.hpp"
#include "orka/error.hpp"
#include "orka/transport_choice.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

class Services {
 public:
  virtual ~Services() = default;
  virtual Result<std::shared_ptr<Client>> client() = 0;
  virtual Result<std::shared_ptr<Discovery>> discovery() = 0;
  // -n, else the kubeconfig context's namespace, else "default".
  virtual Result<std::string> default_namespace() = 0;
  // 0 quiet, 1 (-v) requests, 2 (-vv) requests and response bodies (secrets masked).
  virtual int verbosity() const = 0;
  // Writes one diagnostic line (to stderr in the CLI) when verbosity() >= level.
  virtual void log(int level, std::string_view line) = 0;
  // The API server's version (GET /version), asked once per host and shared by every op that
  // chooses a wire form by it (exec, pf) and by caps. Added in plugin ABI 4.1, last.
  virtual Result<ServerVersion> server_version(const CancelToken& cancel) = 0;
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
