// Discovery over a Client, cached per host; and the `orka ops caps` built-in command.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "discovery/discovery_disk_cache.hpp"

#include "orka/client.hpp"
#include "orka/command.hpp"
#include "orka/discovery.hpp"

namespace orka::core {

// Where -v lines go: (level, line).
using DiscoveryLog = std::function<void(int, std::string_view)>;

// `disk`: keep the snapshot there between processes (none: memory only, as for an embedder's
// own client).
std::shared_ptr<Discovery> make_discovery(std::shared_ptr<Client> client,
                                          std::optional<DiscoveryDiskCache> disk = std::nullopt,
                                          DiscoveryLog log = {});

// `orka ops caps [-n NS] [--json]`: per op, whether the cluster offers it and whether the
// current user may do it (with the exact verb/resource/subresource checked).
CommandSpec make_caps_command();

}  // namespace orka::core
