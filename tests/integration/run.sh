#!/usr/bin/env bash
# Integration suite: brings the test cluster up (scripts/cluster up), then runs
#   1. every executable tests/integration/*_test.sh, and
#   2. if $ORKA_BUILD_DIR is set, the integration test binaries of the C++ build (hook below).
# Ends with the line "N passed, M failed"; exits non-zero if anything failed.
# The cluster is left running (set ORKA_CLUSTER_DOWN_AFTER=1 to stop it at the end).
# Each test gets KUBECONFIG (admin), ORKA_CLUSTER_DIR, ORKA_RESTRICTED_KUBECONFIG and KUBECTL.
#   ORKA_CLUSTER_LOCK=FILE   run the whole suite holding flock(FILE): several checkouts sharing one
#                            cluster (worktrees, CI's clone) take turns instead of restarting
#                            kube-apiserver under each other's tests
set -uo pipefail

if [[ -n ${ORKA_CLUSTER_LOCK:-} && -z ${ORKA_CLUSTER_LOCK_HELD:-} ]]; then
  command -v flock >/dev/null || { echo "run.sh: ORKA_CLUSTER_LOCK is set but flock is missing (apt-get install util-linux)" >&2; exit 1; }
  echo "== waiting for the cluster lock $ORKA_CLUSTER_LOCK"
  ORKA_CLUSTER_LOCK_HELD=1 exec flock -o "$ORKA_CLUSTER_LOCK" "$0" "$@"
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TEST_TIMEOUT=${ORKA_INTEGRATION_TEST_TIMEOUT:-900}   # seconds per test
export ORKA_CLUSTER_DIR=${ORKA_CLUSTER_DIR:-${HOME:-/root}/.cache/orka-cluster}

passed=0
failed=0
failed_names=()

finish() {
  if [[ ${ORKA_CLUSTER_DOWN_AFTER:-0} == 1 ]]; then "$ROOT/scripts/cluster" down || true; fi
  ((${#failed_names[@]})) && echo "failed: ${failed_names[*]}"
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit $?
}

echo "== scripts/cluster up"
if ! "$ROOT/scripts/cluster" up; then
  echo "FAIL: scripts/cluster up (logs under $ORKA_CLUSTER_DIR/logs)"
  failed=$((failed + 1)); failed_names+=("cluster-up")
  finish
fi
eval "$("$ROOT/scripts/cluster" env)"
export KUBECONFIG
export ORKA_RESTRICTED_KUBECONFIG=$ORKA_CLUSTER_DIR/restricted.kubeconfig
# A kubectl for the tests' setup and cross-checks: the oldest of the machine's (closest to 1.20).
source "$ROOT/scripts/lib/kubectl.sh"
if ! KUBECTL=$(find_kubectl oldest); then
  failed=$((failed + 1)); failed_names+=("kubectl")
  finish
fi
export KUBECTL
echo "KUBECONFIG=$KUBECONFIG KUBECTL=$KUBECTL"

run_one() { # name command...
  local name=$1 t0=$SECONDS rc; shift
  echo "== $name"
  timeout --kill-after=30 "$TEST_TIMEOUT" "$@"
  rc=$?
  if [[ $rc -eq 0 ]]; then
    passed=$((passed + 1)); echo "-- PASS $name ($((SECONDS - t0))s)"
  else
    [[ $rc -eq 124 ]] && echo "-- timed out after ${TEST_TIMEOUT}s"
    failed=$((failed + 1)); failed_names+=("$name"); echo "-- FAIL $name (exit $rc, $((SECONDS - t0))s)"
  fi
}

for t in "$ROOT"/tests/integration/*_test.sh; do
  [[ -f $t && -x $t ]] || continue
  run_one "$(basename "$t")" "$t"
done

# ---- Hook for the C++ integration test binaries --------------------------------------
# If ORKA_BUILD_DIR is set, every executable regular file directly in
# $ORKA_BUILD_DIR/tests/integration/ is run as one test (exit 0 = pass), with the
# environment above.  Change ORKA_INTEGRATION_BIN_DIR to point elsewhere.
if [[ -n ${ORKA_BUILD_DIR:-} ]]; then
  bindir=${ORKA_INTEGRATION_BIN_DIR:-$ORKA_BUILD_DIR/tests/integration}
  for b in "$bindir"/*; do
    [[ -f $b && -x $b ]] || continue
    run_one "$(basename "$b")" "$b"
  done
fi
# ---------------------------------------------------------------------------------------

finish
