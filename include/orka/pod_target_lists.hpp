// Where the objects of one pod-target kind are listed: what shell completion asks for when the
// user has typed "deploy/" (one list request of that kind). Beside pod_targets.hpp, which it
// extends without changing.
#pragma once

#include <string_view>

#include "orka/api_path.hpp"
#include "orka/export.hpp"
#include "orka/pod_targets.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// "/apis/apps/v1/namespaces/NS/deployments" for PodTargetKind::Deployment, encoded.
ORKA_API ApiPath pod_target_list_path(PodTargetKind kind, std::string_view namespace_);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
