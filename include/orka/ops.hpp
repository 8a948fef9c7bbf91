// The eight ops orka ships, for programs that use all of them (the CLI's commands, a GUI).
// Each op's interface is in its own header, orka/ops/<op>.hpp; run one through the registry:
//
//   auto outcome = host->ops().run<orka::ScaleOp>({{"", "deploy", "web"}, 3});
#pragma once

#include "orka/op.hpp"
#include "orka/ops/common.hpp"
#include "orka/ops/cordon.hpp"
#include "orka/ops/delete_pod.hpp"
#include "orka/ops/drain.hpp"
#include "orka/ops/exec.hpp"
#include "orka/ops/logs.hpp"
#include "orka/ops/port_forward.hpp"
#include "orka/ops/rollout_restart.hpp"
#include "orka/ops/scale.hpp"
