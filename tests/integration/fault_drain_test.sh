#!/usr/bin/env bash
# Integration test: `orka ops drain` through the fault proxy (docs/fault-proxy.md). The cordon's
# answer is lost (the PATCH reached the server, the connection is reset before the reply), the
# pod list is answered 500 once, one eviction's answer is lost, one is answered 503, one is reset
# before it reaches the server, and the watch for the pods' end is cut mid-body. The drain must
# survive every one: exit 0, the node cordoned, every pod reported evicted (or already gone)
# exactly once, nothing reported failed. Drains one node, only this test's pods (by label), and
# uncordons it on exit. One line per check; exits non-zero on a failure.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 240 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/fault_proxy.sh"

NODE=

fault_test_cleanup() { # rc
  local rc=$1
  [[ -n $NODE ]] && kc uncordon "$NODE" >/dev/null 2>&1
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    for f in drain.out drain.err; do [[ -s $TMP/$f ]] && { echo "--- $f" >&2; cat "$TMP/$f" >&2; }; done
    kc -n "$NS" get pods -o wide >&2 2>&1
  fi
}

fault_test_begin drain
SEL="orka-fault-drain=$NS"
NODE=$(kc get nodes -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\n' | sort | tail -1)
[[ -n $NODE ]] || { NODE=; fatal "no node"; }

PODS=(victim-a victim-b victim-c)
for pod in "${PODS[@]}"; do
  kc -n "$NS" apply -f - >/dev/null <<YAML || fatal "create pod $pod"
apiVersion: v1
kind: Pod
metadata:
  name: $pod
  labels: {orka-fault-drain: "$NS"}
spec:
  nodeName: $NODE
  terminationGracePeriodSeconds: 3
  containers:
  - name: sleeper
    image: orka/busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait \$!; done"]
YAML
done
for pod in "${PODS[@]}"; do
  kc -n "$NS" wait --for=condition=Ready "pod/$pod" --timeout=120s >/dev/null || fatal "pod $pod not ready"
done
echo "node $NODE; pods ${PODS[*]}"

NODE_RE="/api/v1/nodes/$NODE\$"
fault_rules "$(cat <<EOF
{"rules": [
  {"name": "cordon-answer-lost", "match": {"method": "PATCH", "target": "$NODE_RE"}, "action": "reset", "when": "response"},
  {"name": "list-500", "match": {"method": "GET", "target": "/api/v1/pods\\\\?.*fieldSelector"}, "action": "respond", "status": 500},
  {"name": "eviction-answer-lost", "match": {"method": "POST", "target": "/eviction\$"}, "action": "reset", "when": "response"},
  {"name": "eviction-503", "match": {"method": "POST", "target": "/eviction\$"}, "action": "respond", "status": 503},
  {"name": "eviction-reset-before", "match": {"method": "POST", "target": "/eviction\$"}, "action": "reset", "when": "request"},
  {"name": "watch-cut", "match": {"method": "GET", "target": "/api/v1/pods\\\\?.*watch=true"}, "action": "cut", "after_bytes": 200}
]}
EOF
)" || fatal "rules"
RULES=(cordon-answer-lost list-500 eviction-answer-lost eviction-503 eviction-reset-before watch-cut)

t0=$SECONDS
timeout --kill-after=10 150 "$ORKA" --kubeconfig "$FAULT_KUBECONFIG" ops drain "$NODE" --force \
  --pod-selector "$SEL" --timeout 120s >"$TMP/drain.out" 2>"$TMP/drain.err"
rc=$?
echo "drain ended after $((SECONDS - t0))s with exit $rc"
for r in "${RULES[@]}"; do check "fault $r struck the drain" test "$(fault_struck "$r")" -ge 1; done
check "drain survives every fault: exit 0 (got $rc)" test "$rc" -eq 0
check "drain reports the node drained" contains "$TMP/drain.out" "node/$NODE drained"
check "drain reports the cordon" grep -qE "node/$NODE (already )?cordoned" "$TMP/drain.out"
check "drain reports no failure but the ones it tried again" \
  bash -c '! grep -v "; trying again$" "$1" | grep -qiE "failed|error"' _ "$TMP/drain.out"
check "drain says it tried the failed evictions again" grep -q "trying again" "$TMP/drain.out"
for pod in "${PODS[@]}"; do
  n=$(grep -cE "^pod $NS/$pod (evicted|is already gone)" "$TMP/drain.out")
  check "pod $pod reported evicted (or already gone) exactly once (got $n)" test "$n" -eq 1
done
check "the count reaches 3/3" grep -q "(3/3)" "$TMP/drain.out"
check "the node is cordoned" test "$(kc get node "$NODE" -o jsonpath='{.spec.unschedulable}')" = true
check "no pod of the test is left" test -z "$(kc -n "$NS" get pods -o name 2>/dev/null)"
patches=$(fault_requests | jq "[.[] | select(.method == \"PATCH\" and (.target | test(\"/nodes/\")))] | length")
check "the cordon whose answer was lost was sent again ($patches PATCHes of the node)" test "$patches" -ge 2

[[ $FAILED == 0 ]] && echo "all fault-proxy drain checks passed"
exit "$FAILED"
