// The NameSource of the real command line: each list is ONE request to the API server (the
// metadata of pods, deployments, nodes, ... — or one GET of the pod whose containers or ports
// are wanted), limited to `timeout` in all, and kept for a few seconds in the name cache.
// Whatever goes wrong — no kubeconfig, a slow or unreachable server, a 403 — yields no names.
#pragma once

#include <chrono>
#include <optional>

#include "completion.hpp"
#include "global_flags.hpp"
#include "name_cache.hpp"
#include "orka/services.hpp"

namespace orka::cli {

inline constexpr std::chrono::milliseconds kNameListTimeout{2000};
// A list longer than this is cut: completion is for typing, not for listing a large cluster.
inline constexpr int kNameListLimit = 1000;

class LiveNames final : public NameSource {
 public:
  LiveNames(Services& services, GlobalFlags flags, std::optional<NameCache> cache,
            std::chrono::milliseconds timeout = kNameListTimeout)
      : services_(services), flags_(std::move(flags)), cache_(std::move(cache)), timeout_(timeout) {}

  std::vector<std::string> names(const NameQuery& query) override;

 private:
  std::vector<std::string> fetch(const NameQuery& query, const std::string& namespace_,
                                 const CancelToken& cancel);

  Services& services_;
  GlobalFlags flags_;
  std::optional<NameCache> cache_;
  std::chrono::milliseconds timeout_;
};

}  // namespace orka::cli
