#!/usr/bin/env bash
# Integration test: draining a node while a namespace with pods on it is being deleted. Each
# eviction there is answered 403 with the Status cause NamespaceTerminating; orka must not call
# that a missing permission, but wait (within --timeout) for those pods to go with their
# namespace, as kubectl's drain does, and end with the node drained and cordoned, exit 0.
# A finalizer holds the pod while the namespace is Terminating, so the drain is seen waiting;
# the test then releases it. Drains one node (only this test's pods, by label) and always
# uncordons it on exit.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
require_orka
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-nsterm-$$
SEL="orka-nsterm=$NS"
FINALIZER=orka.test/hold
TMP=$(mktemp -d)
NODE=""
DRAIN_PID=""

kc() { timeout 60 "$KUBECTL_BIN" --request-timeout=30s "$@"; }
release_pods() {
  local pod
  for pod in $(kc -n "$NS" get pods -o name 2>/dev/null); do
    kc -n "$NS" patch "$pod" --type merge -p '{"metadata":{"finalizers":null}}' >/dev/null 2>&1
  done
}

cleanup() {
  local rc=$?
  [[ -n $DRAIN_PID ]] && kill "$DRAIN_PID" 2>/dev/null
  [[ -n $NODE ]] && kc uncordon "$NODE" >/dev/null 2>&1
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)" >&2
    for f in drain.out drain.err; do [[ -f $TMP/$f ]] && { echo "--- $f" >&2; cat "$TMP/$f" >&2; }; done
    kc -n "$NS" get pods -o wide >&2 2>&1 || true
  fi
  release_pods
  kc delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [[ $rc == 0 && $FAILED != 0 ]]; then exit 1; fi
}
trap cleanup EXIT

NODE=$(kc get nodes -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\n' | sort | tail -1)
[[ -n $NODE ]] || { NODE=""; fatal "no node"; }
echo "orka: $ORKA; KUBECONFIG=$KUBECONFIG; namespace $NS; node $NODE"

kc create namespace "$NS" >/dev/null || fatal "create namespace $NS"
eventually 60 bash -c "[[ -n \$('$KUBECTL_BIN' -n '$NS' get serviceaccount default -o jsonpath='{.secrets[0].name}' 2>/dev/null) ]]" ||
  fatal "no service-account token in $NS"

# Two replicas pinned to the node, held by a finalizer once deleted.
kc -n "$NS" apply -f - >/dev/null <<YAML || fatal "apply the deployment"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: doomed
spec:
  replicas: 2
  selector:
    matchLabels: {app: doomed}
  template:
    metadata:
      labels: {app: doomed, orka-nsterm: "$NS"}
      finalizers: ["$FINALIZER"]
    spec:
      nodeName: $NODE
      terminationGracePeriodSeconds: 2
      containers:
      - name: sleeper
        image: orka/busybox:latest
        imagePullPolicy: Never
        command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait \$!; done"]
YAML
kc -n "$NS" rollout status deploy/doomed --timeout=120s >/dev/null || fatal "doomed did not become ready"
pods=$(kc -n "$NS" get pods -l "$SEL" -o jsonpath='{range .items[*]}{.metadata.name} {end}')
echo "pods: $pods"

kc delete namespace "$NS" --wait=false >/dev/null || fatal "delete namespace $NS"
check "the namespace is Terminating" eventually 30 bash -c \
  "[ \"\$('$KUBECTL_BIN' get namespace '$NS' -o jsonpath='{.status.phase}')\" = Terminating ]"

timeout 300 "$ORKA" ops drain "$NODE" --pod-selector "$SEL" --timeout 180s \
  >"$TMP/drain.out" 2>"$TMP/drain.err" &
DRAIN_PID=$!

check "drain says the pods go with their namespace's deletion" eventually 60 \
  contains "$TMP/drain.out" "namespace \"$NS\" is being deleted, so the pod cannot be evicted"
sleep 2
check "drain is still waiting for the held pods (it did not give up)" kill -0 "$DRAIN_PID"
release_pods

wait "$DRAIN_PID"
rc=$?
DRAIN_PID=""
check "drain exits 0 once the pods are gone (exit $rc)" [ $rc -eq 0 ]
check "drain says the node is drained" contains "$TMP/drain.out" "node/$NODE drained"
for pod in $pods; do
  check "drain names $pod as leaving with its namespace" contains "$TMP/drain.out" "pod $NS/$pod: namespace \"$NS\" is being deleted"
done
check "no missing permission is reported" lacks "$TMP/drain.err" "missing permission"
check "no missing permission is reported on stdout" lacks "$TMP/drain.out" "missing permission"
check "no pod is left on the node" [ -z "$(kc -n "$NS" get pods -l "$SEL" -o name 2>/dev/null)" ]
check "the node is cordoned" [ "$(kc get node "$NODE" -o jsonpath='{.spec.unschedulable}')" = true ]

"$ORKA" ops uncordon "$NODE" >/dev/null 2>&1 || fail "uncordon $NODE"

[[ $FAILED == 0 ]] && echo "all terminating-namespace drain checks passed"
exit $FAILED
