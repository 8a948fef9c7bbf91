# shellcheck shell=bash disable=SC2034
# Sourced by every integration test: where the repository, fixtures and cluster are, the
# cluster's kubeconfig (from `scripts/cluster env` unless KUBECONFIG is set), the orka binary
# ($ORKA_BIN, else <build>/app/orka with $ORKA_BUILD_DIR, else ./build) and a kubectl (scripts/lib/
# kubectl.sh: $KUBECTL, else the oldest of the machine's versioned builds, else the one on PATH).
# Sets ROOT FIX CLUSTER CLUSTER_DIR RESTRICTED_KUBECONFIG ORKA KUBECTL_BIN; exports KUBECONFIG.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
FIX=$ROOT/tests/integration/fixtures
CLUSTER=$ROOT/scripts/cluster
CLUSTER_DIR=${ORKA_CLUSTER_DIR:-${HOME:-/root}/.cache/orka-cluster}
if [[ -z ${KUBECONFIG:-} ]]; then eval "$("$CLUSTER" env)"; fi
export KUBECONFIG
RESTRICTED_KUBECONFIG=${ORKA_RESTRICTED_KUBECONFIG:-$CLUSTER_DIR/restricted.kubeconfig}
ORKA=${ORKA_BIN:-${ORKA_BUILD_DIR:-$ROOT/build}/app/orka}

source "$ROOT/scripts/lib/kubectl.sh"
KUBECTL_BIN=$(find_kubectl oldest) || { echo "FAIL: no kubectl for the tests' set-up" >&2; exit 1; }

# For the tests that run orka.
require_orka() {
  [[ -x $ORKA ]] || { echo "FAIL: no orka binary at $ORKA (set ORKA_BIN)" >&2; exit 1; }
}
