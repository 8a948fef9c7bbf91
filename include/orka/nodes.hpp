// Nodes: what cordon and drain both do to a node, in liborka so that no plugin compiles another's
// sources.
#pragma once

#include <string>
#include <string_view>

#include "orka/api_path.hpp"
#include "orka/cancel.hpp"
#include "orka/client.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/ops/cordon.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// "/api/v1/nodes/NODE", encoded.
ORKA_API ApiPath node_path(std::string_view node);

// Sets spec.unschedulable of `node` to `on` with a merge patch, unless it already is (then
// nothing is written and `changed` is false). The name is checked before any request; a
// missing node is NotFound naming it.
ORKA_API Result<CordonOutcome> set_unschedulable(Client& client, const std::string& node, bool on,
                                                 const CancelToken& cancel);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
