#!/usr/bin/env bash
# Integration test of the drain pre-flight (`orka ops drain NODE --dry-run`): on one node, a
# Deployment's two pods held by a PodDisruptionBudget with minAvailable = replicas (0 disruptions
# allowed), a DaemonSet pod, a bare pod and a Deployment pod with an emptyDir. The dry run must
# list every pod and what would happen to it, every blocker (the three flags, the budget with its
# numbers), exit 1 naming what to do, say the same with --json, exit 0 once the flags are given
# and the budget relaxed — and change nothing: the node is not cordoned and every pod is still
# there with the same UID, none marked for deletion. Only this test's pods (by label) are looked at.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
require_orka
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-preflight-$$
SEL="orka-preflight=$NS"
TMP=$(mktemp -d)

cleanup() {
  local rc=$?
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)" >&2
    for f in out err json.out json.err flags.out flags.err; do
      [[ -f $TMP/$f ]] && { echo "--- $f" >&2; cat "$TMP/$f" >&2; }
    done
    kc -n "$NS" get pods,pdb -o wide >&2 2>&1 || true
  fi
  kc delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [[ $rc == 0 && $FAILED != 0 ]]; then exit 1; fi
}
trap cleanup EXIT

NODE=$(kc get nodes -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\n' | sort | tail -1)
[[ -n $NODE ]] || fatal "no node"
# The test asserts the dry run leaves the node schedulable, so it must start that way.
[[ -z $(kc get node "$NODE" -o jsonpath='{.spec.unschedulable}') ]] ||
  fatal "node $NODE is cordoned before the test (another drain left it so?)"
# Kubernetes 1.21 serves policy/v1; the 1.20 test cluster only policy/v1beta1.
PDB_VERSION=policy/v1beta1
kc api-versions | grep -qx policy/v1 && PDB_VERSION=policy/v1
echo "orka: $ORKA; KUBECONFIG=$KUBECONFIG; namespace $NS; node $NODE; budgets at $PDB_VERSION"

create_test_namespace "$NS"

# A container that stops at once on SIGTERM, for every pod below.
container='      terminationGracePeriodSeconds: 2
      containers:
      - name: sleeper
        image: orka/busybox:latest
        imagePullPolicy: Never
        command: ["sh", "-c", "trap '"'"'exit 0'"'"' TERM; while :; do sleep 1 & wait $!; done"]'
kc -n "$NS" apply -f - >/dev/null <<YAML || fatal "apply the fixtures"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: pf-web}}
  template:
    metadata: {labels: {app: pf-web, orka-preflight: "$NS"}}
    spec:
      nodeName: $NODE
$container
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: scratch}
spec:
  replicas: 1
  selector: {matchLabels: {app: pf-scratch}}
  template:
    metadata: {labels: {app: pf-scratch, orka-preflight: "$NS"}}
    spec:
      nodeName: $NODE
      volumes:
      - {name: data, emptyDir: {}}
$container
        volumeMounts:
        - {name: data, mountPath: /data}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: pf-agent}}
  template:
    metadata: {labels: {app: pf-agent, orka-preflight: "$NS"}}
    spec:
      nodeSelector: {kubernetes.io/hostname: $NODE}
$container
---
apiVersion: v1
kind: Pod
metadata:
  name: loner
  labels: {app: pf-loner, orka-preflight: "$NS"}
spec:
  nodeName: $NODE
$(sed 's/^    //' <<<"$container")
---
apiVersion: $PDB_VERSION
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: pf-web}}
YAML
kc -n "$NS" rollout status deploy/web --timeout=120s >/dev/null || fatal "web did not become ready"
kc -n "$NS" rollout status deploy/scratch --timeout=120s >/dev/null || fatal "scratch did not become ready"
kc -n "$NS" rollout status ds/agent --timeout=120s >/dev/null || fatal "agent did not become ready"
kc -n "$NS" wait --for=condition=Ready pod/loner --timeout=120s >/dev/null || fatal "loner not ready"
eventually 60 bash -c "[ \"\$('$KUBECTL_BIN' -n '$NS' get pdb web -o jsonpath='{.status.currentHealthy}/{.status.disruptionsAllowed}')\" = 2/0 ]" ||
  fatal "the budget did not settle at 2 healthy, 0 disruptions allowed"

pods_of() { kc -n "$NS" get pods -l "app=$1" -o jsonpath='{range .items[*]}{.metadata.name} {end}'; }
WEB=$(pods_of pf-web)
SCRATCH=$(pods_of pf-scratch)
AGENT=$(pods_of pf-agent)
state() { # every pod of the test: name uid deletionTimestamp, and the node's unschedulable
  kc -n "$NS" get pods -l "$SEL" -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.uid} {.metadata.deletionTimestamp}{"\n"}{end}' | sort
  echo "unschedulable=$(kc get node "$NODE" -o jsonpath='{.spec.unschedulable}')"
}
state >"$TMP/before"
[[ $(grep -c . "$TMP/before") == 6 ]] || fatal "expected 5 pods and the node line, got: $(cat "$TMP/before")"
echo "pods: web $WEB; scratch $SCRATCH; agent $AGENT; loner"

# ------------------------------------------------------------------ the pre-flight, no flags
timeout 120 "$ORKA" ops drain "$NODE" --dry-run --pod-selector "$SEL" >"$TMP/out" 2>"$TMP/err"
rc=$?
echo "--- the pre-flight's output (stdout, then stderr)"; cat "$TMP/out" "$TMP/err"; echo "---"
check "a pre-flight with blockers exits 1 (exit $rc)" [ $rc -eq 1 ]
for pod in $WEB; do
  check "lists $pod as evicted, held by the budget" contains "$TMP/out" \
    "pod $NS/$pod: would be evicted; held by PodDisruptionBudget $NS/web (0 disruptions allowed)"
done
check "lists the DaemonSet pod as refused without --ignore-daemonsets" contains "$TMP/out" \
  "pod $NS/${AGENT% }: refused: needs --ignore-daemonsets (then: skip-daemonset)"
check "lists the bare pod as refused without --force" contains "$TMP/out" \
  "pod $NS/loner: refused: needs --force (then: evict)"
check "lists the emptyDir pod as refused without --delete-emptydir-data" contains "$TMP/out" \
  "pod $NS/${SCRATCH% }: refused: needs --delete-emptydir-data (then: evict)"
check "one line per pod" [ "$(grep -c "^pod $NS/" "$TMP/out")" -eq 5 ]
check "blocker: DaemonSet pods" contains "$TMP/out" "blocker: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): $NS/${AGENT% }"
check "blocker: unmanaged pods" contains "$TMP/out" "blocker: cannot delete Pods declare no controller (use --force to override): $NS/loner"
check "blocker: emptyDir data" contains "$TMP/out" "blocker: cannot delete Pods with local storage (use --delete-emptydir-data to override): $NS/${SCRATCH% }"
check "blocker: the budget with its numbers" contains "$TMP/out" \
  "blocker: PodDisruptionBudget $NS/web allows 0 disruptions (currentHealthy 2, desiredHealthy 2, expectedPods 2): holds "
check "the summary names the blockers" contains "$TMP/err" \
  "error: dry run: the drain of node \"$NODE\" would not go through: 3 pods need flags (--ignore-daemonsets, --force, --delete-emptydir-data); 1 PodDisruptionBudget blocks evictions ($NS/web); nothing was changed"
check "the hint says which flags and which budget" contains "$TMP/err" \
  "hint: add --ignore-daemonsets --force --delete-emptydir-data; look at PodDisruptionBudget $NS/web"

# ------------------------------------------------------------------ the same with --json
timeout 120 "$ORKA" ops drain "$NODE" --dry-run --pod-selector "$SEL" --json >"$TMP/json.out" 2>"$TMP/json.err"
rc=$?
check "--json: exits 1 (exit $rc)" [ $rc -eq 1 ]
jq_true() { jq "$@" >/dev/null; }
check "--json: every line is JSON" jq_true -e . "$TMP/json.out"
check "--json: one preview per pod" [ "$(jq -s '[.[] | select(.event == "preview")] | length' "$TMP/json.out")" = 5 ]
check "--json: the budget blocker with its numbers" jq_true -se --arg ns "$NS" \
  'any(.[]; .event == "blocker" and .kind == "pdb" and .namespace == $ns and .name == "web" and
       .disruptionsAllowed == 0 and .currentHealthy == 2 and .desiredHealthy == 2 and
       .expectedPods == 2 and (.pods | length) == 2)' "$TMP/json.out"
check "--json: the flag blockers" jq_true -se \
  '[.[] | select(.event == "blocker" and .kind == "flag") | .flag] == ["--ignore-daemonsets", "--force", "--delete-emptydir-data"]' "$TMP/json.out"
check "--json: the summary says it would not drain" jq_true -se --arg ns "$NS" \
  'any(.[]; .event == "preflight" and .would_drain == false and .blocking_budgets == [$ns + "/web"])' "$TMP/json.out"

# ------------------------------------------------- with the flags: only the budget is left
timeout 120 "$ORKA" ops drain "$NODE" --dry-run --pod-selector "$SEL" --ignore-daemonsets \
  --delete-emptydir-data --force >"$TMP/flags.out" 2>"$TMP/flags.err"
rc=$?
check "with the flags the budget still blocks: exit 1 (exit $rc)" [ $rc -eq 1 ]
check "with the flags the DaemonSet pod is skipped" contains "$TMP/flags.out" "pod $NS/${AGENT% }: skipped: DaemonSet-managed"
check "with the flags the bare pod would be evicted" contains "$TMP/flags.out" "pod $NS/loner: would be evicted"
check "with the flags only the budget is named" contains "$TMP/flags.err" \
  "would not go through: 1 PodDisruptionBudget blocks evictions ($NS/web); nothing was changed"
check "with the flags no flag blocker is left" lacks "$TMP/flags.out" "blocker: cannot delete"

# ------------------------------------------------- the budget relaxed: it would go through
kc -n "$NS" patch pdb web --type merge -p '{"spec":{"minAvailable":1}}' >/dev/null || fatal "relax the budget"
eventually 60 bash -c "[ \"\$('$KUBECTL_BIN' -n '$NS' get pdb web -o jsonpath='{.status.disruptionsAllowed}')\" = 1 ]" ||
  fail "the budget did not settle at 1 disruption allowed"
timeout 120 "$ORKA" ops drain "$NODE" --dry-run --pod-selector "$SEL" --ignore-daemonsets \
  --delete-emptydir-data --force >"$TMP/out" 2>"$TMP/err"
rc=$?
check "a clear pre-flight exits 0 (exit $rc)" [ $rc -eq 0 ]
check "a clear pre-flight says the node can be drained" contains "$TMP/out" \
  "node/$NODE can be drained: 4 pods would go, 1 skipped (dry run: nothing was changed)"
check "a clear pre-flight names no blocker" lacks "$TMP/out" "blocker:"

# ------------------------------------------------------------------ nothing was written
state >"$TMP/after"
check "the node is not cordoned after the dry runs" [ "$(tail -1 "$TMP/after")" = "unschedulable=" ]
check "no pod was evicted or replaced (same names, UIDs, none terminating)" cmp -s "$TMP/before" "$TMP/after"
check "no container was stopped (no Killing event in the namespace)" bash -c \
  "! '$KUBECTL_BIN' -n '$NS' get events -o jsonpath='{range .items[*]}{.reason}{\"\\n\"}{end}' | grep -qx Killing"

[[ $FAILED == 0 ]] && echo "all drain pre-flight checks passed"
exit $FAILED
