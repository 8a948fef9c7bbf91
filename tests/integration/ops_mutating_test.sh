#!/usr/bin/env bash
# Integration test of the mutating ops on the real cluster: scale (both modes, a statefulset,
# --current-replicas refused, the restricted user's missing permission), rr (to completion; a
# paused deployment refused), delete (grace period + --wait), cordon/uncordon, drain (DaemonSet,
# emptyDir and unmanaged pods refused, then done with the flags; a PodDisruptionBudget that
# blocks until it is relaxed; the pods land on the other node).
# Uses $ORKA_BIN (default: <build>/app/orka with ORKA_BUILD_DIR or ../build) and kubectl for
# setup and checks. One line per check; exits non-zero if any check failed.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-mutating-$$
TMP=$(mktemp -d)
DRAINED_NODE=""
DRAIN_PID=""

orka() { timeout 300 "$ORKA" "$@"; }

cleanup() {
  local rc=$?
  [[ -n $DRAIN_PID ]] && kill "$DRAIN_PID" 2>/dev/null
  [[ -n $DRAINED_NODE ]] && kc uncordon "$DRAINED_NODE" >/dev/null 2>&1
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)" >&2
    kc -n "$NS" get pods -o wide >&2 2>&1 || true
    kc -n "$NS" get events --sort-by=.lastTimestamp 2>&1 | tail -20 >&2 || true
  fi
  kc delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [[ $rc == 0 && $FAILED != 0 ]]; then exit 1; fi
}
trap cleanup EXIT

echo "orka: $ORKA; KUBECONFIG=$KUBECONFIG; namespace $NS"

create_test_namespace "$NS"

kc -n "$NS" apply -f "$FIX/web.yaml" >/dev/null || fatal "apply web.yaml"
kc -n "$NS" apply -f "$FIX/statefulset.yaml" >/dev/null || fatal "apply statefulset.yaml"
kc -n "$NS" rollout status deploy/web --timeout=120s >/dev/null || fatal "web did not become ready"
kc -n "$NS" rollout status sts/sts --timeout=120s >/dev/null || fatal "sts did not become ready"

jp() { kc -n "$NS" get "$1" -o jsonpath="$2"; }

# ------------------------------------------------------------------------------ scale
orka -n "$NS" ops scale deploy/web --replicas 3 --wait --timeout 120s >"$TMP/out" 2>"$TMP/err"
check "scale subresource mode exits 0" [ $? -eq 0 ]
check "scale reports the count before and after" contains "$TMP/out" "deployments.apps/web scaled from 2 to 3 replicas"
check "scale --wait returned with 3 replicas updated, ready and available" \
  [ "$(jp deploy/web '{.status.replicas}/{.status.updatedReplicas}/{.status.readyReplicas}/{.status.availableReplicas}')" = 3/3/3/3 ]
check "scale --wait says what it waited for" contains "$TMP/out" "(3 of 3 updated and available"

orka -n "$NS" ops scale deploy/web --replicas 5 --current-replicas 7 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "--current-replicas mismatch exits 1" [ $rc -eq 1 ]
check "--current-replicas mismatch says what it found" contains "$TMP/err" "has 3 replicas, not 7"
check "--current-replicas mismatch changed nothing" [ "$(jp deploy/web '{.spec.replicas}')" = 3 ]

orka -n "$NS" ops scale deploy/web --replicas 2 --current-replicas 3 >"$TMP/out" 2>"$TMP/err"
check "--current-replicas match scales" [ "$(jp deploy/web '{.spec.replicas}')" = 2 ]

orka -n "$NS" ops scale deploy/web --replicas 3 --mode apply >"$TMP/out" 2>"$TMP/err"
rc=$?
if [[ $rc -ne 0 ]]; then
  # kubectl apply owns spec.replicas: orka must name the owner and the way out.
  check "apply conflict names the field manager" contains "$TMP/err" "is owned by field manager"
  check "apply conflict suggests --force-conflicts" contains "$TMP/err" "--force-conflicts"
  orka -n "$NS" ops scale deploy/web --replicas 3 --mode apply --force-conflicts >"$TMP/out" 2>"$TMP/err"
  rc=$?
fi
check "scale apply mode exits 0" [ $rc -eq 0 ]
check "scale apply mode set spec.replicas" [ "$(jp deploy/web '{.spec.replicas}')" = 3 ]
check "field manager orka owns spec.replicas" bash -c "'$KUBECTL_BIN' get --raw '/apis/apps/v1/namespaces/$NS/deployments/web' | jq -e '[.metadata.managedFields[] | select(.manager == \"orka\" and .operation == \"Apply\")] | length == 1' >/dev/null"
orka -n "$NS" ops scale deploy/web --replicas 2 --mode apply --force-conflicts --wait --timeout 120s >/dev/null 2>"$TMP/err"
check "scale apply mode --wait back to 2" [ "$(jp deploy/web '{.status.replicas}')" = 2 ]

orka -n "$NS" ops scale sts/sts --replicas 3 --wait --timeout 120s >"$TMP/out" 2>"$TMP/err"
check "scale statefulset exits 0" [ $? -eq 0 ]
check "statefulset has 3 ready replicas when --wait returns" [ "$(jp sts/sts '{.status.replicas}/{.status.readyReplicas}')" = 3/3 ]
check "scale --wait on a statefulset waited for ready" contains "$TMP/out" "(3 of 3 ready"

orka --kubeconfig "$RESTRICTED_KUBECONFIG" -n orka-restricted ops scale deploy/web --replicas 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "restricted user: scale refused with exit 1" [ $rc -eq 1 ]
check "restricted user: the error names the missing permission" contains "$TMP/err" 'missing permission: patch deployments.apps/scale named "web" in namespace "orka-restricted"'

orka -n "$NS" ops scale configmap/x --replicas 1 >"$TMP/out" 2>"$TMP/err"
check "a resource without /scale is refused with a hint" contains "$TMP/err" "--mode apply"
orka -n "$NS" ops scale deploy/web >"$TMP/out" 2>"$TMP/err"
check "missing --replicas is a usage error (exit 2)" [ $? -eq 2 ]

# ------------------------------------------------------------------------------ rr
before=$(jp deploy/web '{.metadata.generation}')
orka -n "$NS" ops rr deploy/web --wait --timeout 180s >"$TMP/out" 2>"$TMP/err"
check "rr --wait exits 0" [ $? -eq 0 ]
check "rr reports the rollout" contains "$TMP/out" "deployment/web restarted and successfully rolled out"
check "rr set the restartedAt annotation" [ -n "$(jp deploy/web '{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}')" ]
check "rr rollout is complete when --wait returns" bash -c "[ \"\$('$KUBECTL_BIN' -n '$NS' get deploy/web -o jsonpath='{.status.updatedReplicas}/{.status.availableReplicas}/{.status.replicas}')\" = 2/2/2 ] && [ \"\$('$KUBECTL_BIN' -n '$NS' get deploy/web -o jsonpath='{.metadata.generation}')\" -gt $before ]"

kc -n "$NS" rollout pause deploy/web >/dev/null
orka -n "$NS" ops rr deploy/web >"$TMP/out" 2>"$TMP/err"
rc=$?
check "rr of a paused deployment exits 1" [ $rc -eq 1 ]
check "rr of a paused deployment says it is paused" contains "$TMP/err" "is paused"
kc -n "$NS" rollout resume deploy/web >/dev/null
orka -n "$NS" ops rr sts/sts --wait --timeout 180s >"$TMP/out" 2>"$TMP/err"
check "rr of a statefulset rolls out" contains "$TMP/out" "statefulset/sts restarted and successfully rolled out"

# ------------------------------------------------------------------------------ delete
uid=$(jp pod/sts-0 '{.metadata.uid}')
start=$SECONDS
orka -n "$NS" ops delete sts-0 --grace-period 3 --wait --timeout 60s >"$TMP/out" 2>"$TMP/err"
check "delete --wait exits 0" [ $? -eq 0 ]
check "delete reports the pod gone" contains "$TMP/out" 'pod "sts-0" deleted (gone after'
now_uid=$(kc -n "$NS" get pod sts-0 -o jsonpath='{.metadata.uid}' 2>/dev/null)
check "the deleted UID is gone (a recreated sts-0 has a new UID)" [ "$now_uid" != "$uid" ]
check "delete --wait took no longer than the bound" [ $((SECONDS - start)) -lt 60 ]
orka -n "$NS" ops delete no-such-pod >"$TMP/out" 2>"$TMP/err"
check "deleting a missing pod says so" contains "$TMP/err" 'pod "no-such-pod" not found'

# ------------------------------------------------------------------------------ cordon
NODE=$(kc -n "$NS" get pods -l app=web -o jsonpath='{.items[0].spec.nodeName}')
[[ -n $NODE ]] || fatal "no node for the web pods"
OTHER=$(kc get nodes -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\n' | grep -vxF "$NODE" | head -1)
DRAINED_NODE=$NODE
orka ops cordon "$NODE" >"$TMP/out" 2>&1
check "cordon" contains "$TMP/out" "node/$NODE cordoned"
check "node is unschedulable" [ "$(kc get node "$NODE" -o jsonpath='{.spec.unschedulable}')" = true ]
orka ops cordon "$NODE" >"$TMP/out" 2>&1
check "cordon again says already cordoned" contains "$TMP/out" "node/$NODE already cordoned"
orka ops uncordon "$NODE" >"$TMP/out" 2>&1
check "uncordon" contains "$TMP/out" "node/$NODE uncordoned"
orka ops cordon --off "$NODE" >"$TMP/out" 2>&1
check "cordon --off again says already uncordoned" contains "$TMP/out" "node/$NODE already uncordoned"
check "node is schedulable" [ -z "$(kc get node "$NODE" -o jsonpath='{.spec.unschedulable}')" ]

# ------------------------------------------------------------------------------ drain
# The DaemonSet, emptyDir and unmanaged pods on the node; a label keeps the drain to this
# test's pods (other tests may run pods on the same node).
pin() { sed "0,/^spec:\$/s//spec:\n  nodeName: $NODE/" "$1"; }
kc -n "$NS" apply -f "$FIX/daemonset.yaml" >/dev/null || fatal "apply daemonset"
pin "$FIX/emptydir.yaml" | kc -n "$NS" apply -f - >/dev/null || fatal "apply emptydir"
pin "$FIX/unmanaged-pod.yaml" | kc -n "$NS" apply -f - >/dev/null || fatal "apply unmanaged"
kc -n "$NS" rollout status ds/ds --timeout=120s >/dev/null || fatal "ds not ready"
kc -n "$NS" wait --for=condition=Ready pod/emptydir pod/unmanaged --timeout=120s >/dev/null ||
  fatal "fixture pods not ready"
kc -n "$NS" label pods --all "orka-drain=$NS" --overwrite >/dev/null
SEL="orka-drain=$NS"

orka ops drain "$NODE" --pod-selector "$SEL" --timeout 60s >"$TMP/out" 2>"$TMP/err"
rc=$?
check "drain without flags exits 1" [ $rc -eq 1 ]
check "drain lists the DaemonSet refusal" contains "$TMP/err" "DaemonSet-managed Pods (use --ignore-daemonsets to ignore): $NS/ds-"
check "drain lists the emptyDir refusal" contains "$TMP/err" "local storage (use --delete-emptydir-data to override): $NS/emptydir"
check "drain lists the unmanaged refusal" contains "$TMP/err" "declare no controller (use --force to override): $NS/unmanaged"
check "a refused drain evicted nothing" [ "$(kc -n "$NS" get pod emptydir unmanaged -o jsonpath='{.items[*].metadata.deletionTimestamp}')" = "" ]

# A budget that allows no disruption of web: the drain must wait on it, naming it.
sed 's/minAvailable: 1/minAvailable: 2/' "$FIX/pdb.yaml" | kc -n "$NS" apply -f - >/dev/null || fatal "apply pdb"
eventually 60 bash -c "[ \"\$('$KUBECTL_BIN' -n '$NS' get pdb web -o jsonpath='{.status.currentHealthy}/{.status.disruptionsAllowed}')\" = 2/0 ]" ||
  fail "pdb did not settle at 0 disruptions allowed"

timeout 300 "$ORKA" ops drain "$NODE" --pod-selector "$SEL" --ignore-daemonsets --delete-emptydir-data \
  --force --grace-period 3 --timeout 240s >"$TMP/drain.out" 2>"$TMP/drain.err" &
DRAIN_PID=$!
check "drain reports the blocking PodDisruptionBudget" eventually 60 contains "$TMP/drain.out" "PodDisruptionBudget $NS/web (disruptions allowed: 0"
kc -n "$NS" patch pdb web --type merge -p '{"spec":{"minAvailable":1}}' >/dev/null 2>&1 ||
  kc -n "$NS" delete pdb web >/dev/null
wait "$DRAIN_PID"
rc=$?
DRAIN_PID=""
check "drain with the flags exits 0 once the budget is relaxed" [ $rc -eq 0 ]
check "drain says the node is drained" contains "$TMP/drain.out" "node/$NODE drained"
check "drain warned about ignored DaemonSet pods" contains "$TMP/drain.err" "ignoring DaemonSet-managed Pods"
left=$(kc -n "$NS" get pods -l "$SEL" -o jsonpath="{range .items[?(@.spec.nodeName==\"$NODE\")]}{.metadata.name} {end}")
only_daemonset_left() { [[ -z $left || $left =~ ^ds-[a-z0-9]+\ $ ]]; }
check "only the DaemonSet pod is left on the node (left: ${left:-none})" only_daemonset_left
check "the node stays cordoned after a drain" [ "$(kc get node "$NODE" -o jsonpath='{.spec.unschedulable}')" = true ]
eventually 90 bash -c "[ \"\$('$KUBECTL_BIN' -n '$NS' get deploy web -o jsonpath='{.status.readyReplicas}')\" = 2 ]" ||
  fail "web did not get back to 2 ready replicas"
nodes=$(kc -n "$NS" get pods -l app=web -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort -u | tr '\n' ' ')
check "web pods landed on the other node ($nodes)" [ "$nodes" = "$OTHER " ]

orka ops uncordon "$NODE" >/dev/null 2>&1 && DRAINED_NODE=""

[[ $FAILED == 0 ]] && echo "all mutating-op checks passed"
exit $FAILED
