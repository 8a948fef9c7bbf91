#!/usr/bin/env bash
# Integration test of the test cluster itself (scripts/cluster), with the machine's kubectl:
# two Ready nodes, a fixture deployment serving HTTP, logs, exec (output and exit code),
# port-forward + HTTP GET on 127.0.0.1, and the restricted kubeconfig's RBAC.
# Assumes the cluster is up (tests/integration/run.sh brings it up).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

NS=orka-it-cluster-$$
FAILED=0
PF_PID=""
TMP=$(mktemp -d)

kc() { timeout 60 "$KUBECTL_BIN" --request-timeout=30s "$@"; }
fail() { echo "FAIL: $*" >&2; FAILED=1; }
pass() { echo "ok: $*"; }
fatal() { echo "FAIL: $*" >&2; exit 1; }   # cleanup runs from the EXIT trap

cleanup() {
  local rc=$?
  [[ -n $PF_PID ]] && kill "$PF_PID" 2>/dev/null
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)" >&2
    kc -n "$NS" get pods -o wide >&2 2>&1 || true
    kc -n "$NS" get events --sort-by=.lastTimestamp 2>&1 | tail -20 >&2 || true
  fi
  timeout 60 "$KUBECTL_BIN" delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [[ $rc == 0 && $FAILED != 0 ]]; then exit 1; fi
}
trap cleanup EXIT

echo "kubectl: $KUBECTL_BIN; KUBECONFIG=$KUBECONFIG; namespace $NS"

# --- two Ready nodes
ready=$(kc get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}') ||
  fatal "kubectl get nodes failed"
n_ready=$(grep -c '=True$' <<<"$ready" || true)
[[ $n_ready -eq 2 ]] && pass "two Ready nodes ($(tr '\n' ' ' <<<"$ready"))" || fatal "expected 2 Ready nodes, got: $ready"

# --- namespace with a service-account token (1.20 needs the token secret before pods)
kc create namespace "$NS" >/dev/null || fatal "create namespace $NS"
for ((i = 0; i < 60; i++)); do
  [[ "$(kc -n "$NS" get serviceaccount default -o jsonpath='{.secrets[0].name}' 2>/dev/null)" != "" ]] && break
  sleep 1
done
[[ $i -lt 60 ]] || fatal "no default service account token in $NS after 60s"

# --- HTTP fixture
kc -n "$NS" apply -f "$FIX/web.yaml" >/dev/null || fatal "apply web.yaml"
kc -n "$NS" rollout status deployment/web --timeout=50s >/dev/null ||
  timeout 130 "$KUBECTL_BIN" -n "$NS" rollout status deployment/web --timeout=120s >/dev/null ||
  fatal "deployment web not ready within ~3 min"
pass "deployment web rolled out"
POD=$(kc -n "$NS" get pods -l app=web -o jsonpath='{.items[0].metadata.name}') || fatal "get web pods"
[[ -n $POD ]] || fatal "no web pod"
nodes=$(kc -n "$NS" get pods -l app=web -o jsonpath='{.items[*].spec.nodeName}')
echo "web pods on nodes: $nodes"

# --- logs
out=""
for ((i = 0; i < 20; i++)); do
  out=$(kc -n "$NS" logs "$POD" 2>&1) && grep -q 'web: serving on 8080' <<<"$out" && break
  sleep 1
done
grep -q 'web: serving on 8080' <<<"$out" && pass "kubectl logs" || fail "kubectl logs: got: $out"

# --- exec: output and exit code
out=$(kc -n "$NS" exec "$POD" -- sh -c 'echo hello-from-exec; cat /tmp/www/index.html; exit 3' 2>"$TMP/exec.err")
rc=$?
if [[ $rc -eq 3 ]] && grep -q hello-from-exec <<<"$out" && grep -q "hello from $POD" <<<"$out"; then
  pass "kubectl exec (output and exit code 3)"
else
  fail "kubectl exec: rc=$rc out=$out err=$(cat "$TMP/exec.err")"
fi
out=$(echo stdin-data | kc -n "$NS" exec -i "$POD" -- sha256sum 2>&1)
want=$(echo stdin-data | sha256sum | cut -d' ' -f1)
grep -q "$want" <<<"$out" && pass "kubectl exec -i (stdin)" || fail "kubectl exec -i: $out"

# --- port-forward to the service, then GET on 127.0.0.1
timeout 120 "$KUBECTL_BIN" -n "$NS" port-forward --address 127.0.0.1 service/web :80 >"$TMP/pf.out" 2>&1 &
PF_PID=$!
port=""
for ((i = 0; i < 30; i++)); do
  port=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$TMP/pf.out" | head -1)
  [[ -n $port ]] && break
  kill -0 "$PF_PID" 2>/dev/null || break
  sleep 1
done
if [[ -z $port ]]; then
  fail "port-forward did not start: $(cat "$TMP/pf.out")"
else
  body=""
  for ((i = 0; i < 10; i++)); do
    body=$(curl -sS --max-time 10 "http://127.0.0.1:$port/" 2>&1) && grep -q '^hello from web-' <<<"$body" && break
    sleep 1
  done
  grep -q '^hello from web-' <<<"$body" && pass "port-forward + HTTP GET 127.0.0.1:$port ($body)" ||
    fail "port-forward GET: $body ($(cat "$TMP/pf.out"))"
fi
kill "$PF_PID" 2>/dev/null; wait "$PF_PID" 2>/dev/null; PF_PID=""

# --- restricted kubeconfig: allowed in orka-restricted only
if [[ -f $RESTRICTED_KUBECONFIG ]]; then
  rk() { KUBECONFIG=$RESTRICTED_KUBECONFIG kc "$@"; }
  out=$(rk -n orka-restricted get pods 2>&1) && pass "restricted: list pods in orka-restricted" ||
    fail "restricted: list pods in orka-restricted denied: $out"
  out=$(rk -n "$NS" get pods 2>&1) && fail "restricted: list pods in $NS allowed" ||
    { grep -qi forbidden <<<"$out" && pass "restricted: denied in $NS (Forbidden)" || fail "restricted: unexpected error: $out"; }
  out=$(rk -n orka-restricted get secrets 2>&1) && fail "restricted: secrets allowed" ||
    { grep -qi forbidden <<<"$out" && pass "restricted: secrets denied" || fail "restricted: unexpected error: $out"; }
  out=$(rk -n orka-restricted delete pod nonexistent 2>&1)
  grep -qi forbidden <<<"$out" && pass "restricted: delete denied" || fail "restricted: delete not forbidden: $out"
else
  fail "no $RESTRICTED_KUBECONFIG"
fi

# --- delete the namespace (bounded)
kc delete namespace "$NS" --wait=false >/dev/null || fail "delete namespace"
for ((i = 0; i < 90; i++)); do
  kc get namespace "$NS" >/dev/null 2>&1 || break
  sleep 1
done
[[ $i -lt 90 ]] && pass "namespace $NS deleted" || fail "namespace $NS still there after 90s"

if [[ $FAILED != 0 ]]; then echo "cluster_test: FAILED" >&2; exit 1; fi
echo "cluster_test: all checks passed"
