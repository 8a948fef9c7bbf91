#!/usr/bin/env bash
# Integration test of the wire forms most users' clusters (>= 1.31) give exec and pf by default,
# against the upstream Kubernetes 1.36 handlers: through the modern front (tests/modern-front,
# context `modern`, started by scripts/cluster) exec goes over WebSocket v5.channel.k8s.io
# (stream translator) and pf over SPDY/3.1 tunnelled in a WebSocket (tunnelling handler). The
# same cases then run against the 1.20 API server directly (SPDY/3.1, v4 WebSocket), so every
# case passes over both the modern and the 1.20 forms:
#   orka exec (auto; on the front also --transport websocket): 20 MiB into sha256sum ending by
#     itself, a binary cat round trip, exit code 42, -t size seen by `stty size`, a resize;
#   orka pf (auto): the Ready event's transport, HTTP, 200 concurrent connections, a download
#     killed mid-transfer leaving the rest working, retarget after the pod is deleted;
#   the restricted user: exec and pf refused by RBAC, while reading the pod works (so its own
#     token reached the real server); a wrong container: the API's 400, no protocol hint;
#   kubectl 1.33, the independent client, with the same exec and pf cases (not retarget, which
#     kubectl does not do), so that a failure can be told apart from a front defect.
# On the front, its log must show which upstream handler served orka's and kubectl's requests.
# One line per check, then "N passed, M failed"; exits non-zero when a check failed.
# Uses $ORKA_BIN (else <build>/app/orka); kubectl 1.33 at $ORKA_MODERN_KUBECTL (default: the
# Cloud SDK's kubectl.1.33). Assumes the cluster and the front are up (tests/integration/run.sh
# runs scripts/cluster up). Makes and deletes its own namespace.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/stream_checks.sh"
require_orka

MODERN_KUBECTL=${ORKA_MODERN_KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}
FRONT_LOG=$CLUSTER_DIR/logs/modern-front.log
NS=orka-modern-$$
BG_PIDS=()
TMP=$(mktemp -d)
STARTED=$SECONDS
STDIN_SIZE=20971520   # exec stdin: 20 MiB
BLOB_SIZE=5242880     # exec cat round trip: 5 MiB
FILE_SIZE=50331648    # big.bin served by deploy/files (fixture): 48 MiB
SMALL_RE='^transport ok from files-'

kc() { timeout 60 "$KUBECTL_BIN" --request-timeout=30s -n "$NS" "$@"; }

front_diagnostics() {
  echo "--- the front's log for $NS"
  grep -F "/namespaces/$NS/" "$FRONT_LOG" 2>/dev/null | tail -n 20 | cut -c1-300
}
trap 'end_stream_test $? front_diagnostics' EXIT

[[ -x $MODERN_KUBECTL ]] || fatal "no kubectl 1.33 at $MODERN_KUBECTL (set ORKA_MODERN_KUBECTL)"
front_version=$("$KUBECTL_BIN" --context modern get --raw /version 2>"$TMP/version.err" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["gitVersion"])' 2>/dev/null)
[[ $front_version == v1.3[6-9]* || $front_version == v1.[4-9][0-9]* ]] ||
  { show "$TMP/version.err"; fatal "the modern front (context modern) answers /version with \"$front_version\", not 1.36+ (scripts/cluster up starts it)"; }
echo "orka: $ORKA; kubectl: $MODERN_KUBECTL; front: $front_version; namespace $NS"

timeout 60 "$KUBECTL_BIN" create namespace "$NS" >/dev/null || fatal "create namespace $NS"
has_token() { [[ -n $(kc get serviceaccount default -o jsonpath='{.secrets[0].name}' 2>/dev/null) ]]; }
wait_for 60 has_token || fatal "no service-account token in $NS"
kc apply -f "$FIX/transport-pods.yaml" >/dev/null || fatal "apply transport-pods.yaml"
# The restricted user may read pods here, nothing else: exec and pf must be refused by RBAC.
kc create role pod-getter --verb=get,list --resource=pods >/dev/null || fatal "create role pod-getter"
kc create rolebinding pod-getter --role=pod-getter --user=orka-restricted >/dev/null ||
  fatal "create rolebinding pod-getter"

head -c "$STDIN_SIZE" /dev/urandom >"$TMP/stdin"
STDIN_SHA=$(sha256sum <"$TMP/stdin" | cut -d' ' -f1)
head -c "$BLOB_SIZE" /dev/urandom >"$TMP/blob"

kc wait --for=condition=Ready pod/shell --timeout=120s >/dev/null || fatal "pod shell not ready"
kc rollout status deploy/files --timeout=120s >/dev/null || fatal "deploy/files not ready"

# front_served MARK SUBRESOURCE HANDLER: the front's log, after line MARK, shows a request for
# a pod's SUBRESOURCE (exec, portforward) in this namespace served by HANDLER.
front_mark() { wc -l <"$FRONT_LOG" 2>/dev/null || echo 0; }
front_served() {
  tail -n +"$(($1 + 1))" "$FRONT_LOG" 2>/dev/null | grep -E "/namespaces/$NS/pods/[^/]+/$2: " | grep -qF "$3"
}
TRANSLATOR="stream translator (WebSocket v5 to SPDY)"
TUNNEL="tunnelling handler (SPDY over WebSocket)"

# ---------------------------------------------------------------------------- exec
# exec_cases FORM COMMAND...: FORM names the client and server in the check lines; COMMAND is
# the exec command up to its own flags (`orka ... ops exec -q --transport T`, `kubectl ... exec`).
exec_cases() {
  local form=$1; shift
  local cmd=("$@") rc got out

  timeout 120 "${cmd[@]}" -i shell -- sha256sum <"$TMP/stdin" >"$TMP/exec.out" 2>"$TMP/exec.err"
  rc=$?
  got=$(cut -d' ' -f1 "$TMP/exec.out")
  check "$form: 20 MiB through stdin into sha256sum, which ends by itself and matches (rc $rc)" \
    test "$rc" -eq 0 -a "$got" = "$STDIN_SHA" || show "$TMP/exec.err"

  timeout 60 "${cmd[@]}" -i shell -- cat <"$TMP/blob" >"$TMP/blob.back" 2>"$TMP/exec.err"
  rc=$?
  check "$form: 5 MiB of random bytes round trip through cat, which ends at EOF (rc $rc)" \
    bash -c '[[ $1 == 0 ]] && cmp -s "$2" "$3"' _ "$rc" "$TMP/blob" "$TMP/blob.back" || show "$TMP/exec.err"

  timeout 30 "${cmd[@]}" shell -- sh -c 'exit 42' </dev/null >/dev/null 2>"$TMP/exec.err"
  rc=$?
  check "$form: the remote exit code 42 is the client's exit code (got $rc)" test "$rc" -eq 42 ||
    show "$TMP/exec.err"

  # As in transport_test.sh: script(1) gives -t a terminal, resized while the command runs.
  local quoted; quoted=$(printf '%q ' "${cmd[@]}")
  out=$( (sleep 10) | SHELL=/bin/sh timeout 40 script -qec "stty cols 123 rows 45; exec 3<&0; \
$quoted -it shell -- sh -c 'sleep 1; stty size; sleep 4; stty size' <&3 & \
p=\$!; sleep 2.5; stty cols 77 rows 33; wait \$p" /dev/null 2>&1 | tr -d '\r')
  check "$form: -t sends the terminal size (stty size = 45 123)" grep -qx '45 123' <<<"$out" ||
    sed 's/^/#   /' <<<"$out" | head -5
  check "$form: -t forwards a resize while the command runs (stty size = 33 77)" grep -qx '33 77' <<<"$out"
}

# orka_exec_wire FORM WANT COMMAND...: orka -v names the wire form it used for exec -i.
orka_exec_wire() {
  local form=$1 want=$2; shift 2
  timeout 30 "$@" -v -i shell -- true </dev/null >/dev/null 2>"$TMP/exec.err"
  local got; got=$(grep -o 'exec: using .*' "$TMP/exec.err" | head -1)
  check "$form: -v shows \"exec: using $want\" (got \"$got\")" test "$got" = "exec: using $want"
}

# ---------------------------------------------------------------------------- pf
# twenty_requests PORT: 20 concurrent GETs of small.txt; sets REQUESTS_OK to how many answered
# with the right content.
twenty_requests() {
  local dir; dir=$(mktemp -d "$TMP/after.XXXXXX")
  seq 20 | xargs -P 20 -I{} curl -s --max-time 15 -o "$dir/{}" "http://127.0.0.1:$1/small.txt"
  REQUESTS_OK=$(grep -l "$SMALL_RE" "$dir"/* 2>/dev/null | wc -l)
}

# forward_cases FORM PORT PID: HTTP, 200 concurrent connections, a download killed mid-transfer
# leaving the forward (and 20 new requests) working.
forward_cases() {
  local form=$1 port=$2 pid=$3 out ok right killed_pid size=0
  out=$(curl -s --max-time 10 "http://127.0.0.1:$port/small.txt")
  check "$form: HTTP GET through the forward" grep -q "$SMALL_RE" <<<"$out"

  mkdir -p "$TMP/many"; rm -f "$TMP/many"/*
  ok=$(seq 200 | xargs -P 200 -I{} curl -s --max-time 60 -o "$TMP/many/{}" -w '%{http_code}\n' \
    "http://127.0.0.1:$port/small.txt" | grep -c '^200$')
  right=$(grep -l "$SMALL_RE" "$TMP/many"/* 2>/dev/null | wc -l)
  check "$form: 200 concurrent connections all succeed with the right content ($ok x 200, $right right)" \
    test "$ok" -eq 200 -a "$right" -eq 200

  curl -s --max-time 60 --limit-rate 2M -o "$TMP/killed.bin" "http://127.0.0.1:$port/big.bin" &
  killed_pid=$!
  for _ in $(seq 40); do
    sleep 0.5
    size=$(stat -c %s "$TMP/killed.bin" 2>/dev/null || echo 0)
    ((size > 1048576)) && break
  done
  kill -9 "$killed_pid" 2>/dev/null
  wait "$killed_pid" 2>/dev/null
  twenty_requests "$port"
  check "$form: after a download killed mid-transfer ($size of $FILE_SIZE bytes), the forward lives and 20 new requests succeed ($REQUESTS_OK/20)" \
    bash -c 'kill -0 "$1" && [[ $2 == 20 ]] && (($3 > 0 && $3 < $4))' _ "$pid" "$REQUESTS_OK" "$size" "$FILE_SIZE"
  rm -f "$TMP/killed.bin"
}

# orka_pf_cases FORM WANT_WIRE ARGS...: the forward cases, the Ready event's transport, then the
# forwarded pod deleted → Retargeted to the Deployment's next pod, HTTP working again.
orka_pf_cases() {
  local form=$1 want=$2; shift 2
  local json=$TMP/pf.json err=$TMP/pf.err pid port wire rc
  : >"$json"
  "$@" ops pf deploy/files :80 --json >"$json" 2>"$err" &
  pid=$!
  BG_PIDS+=("$pid")
  ready_or_gone() { [[ -n $(ready_field "$json" 80 local_port) ]] || ! kill -0 "$pid" 2>/dev/null; }
  wait_for 30 ready_or_gone
  port=$(ready_field "$json" 80 local_port)
  if [[ -z $port ]]; then
    fail "$form: pf deploy/files :80 never became ready"; show "$json"; show "$err"
    kill "$pid" 2>/dev/null
    return
  fi
  wire=$(ready_field "$json" 80 transport)
  check "$form: the Ready event's transport is \"$want\" (got \"$wire\")" test "$wire" = "$want"
  forward_cases "$form" "$port" "$pid"

  local victim; victim=$(ready_field "$json" 80 pod)
  kc delete pod "$victim" --wait=false >/dev/null 2>&1
  retargeted() { grep -q '"event":"retargeted"' "$json"; }
  serves() { twenty_requests "$port"; [[ $REQUESTS_OK == 20 ]]; }
  retarget_ok() { wait_for 60 retargeted && wait_for 30 serves; }
  check "$form: the forwarded pod $victim deleted → Retargeted to the next pod, 20 requests succeed" retarget_ok ||
    { show "$json" 20; show "$err"; }

  kill -INT "$pid"
  gone() { ! kill -0 "$pid" 2>/dev/null; }
  if wait_for 15 gone; then
    wait "$pid"; rc=$?
    check "$form: Ctrl-C ends the forward with exit 130 (got $rc)" test "$rc" -eq 130
  else
    fail "$form: still running 15 s after SIGINT"; kill -9 "$pid" 2>/dev/null
  fi
  kc rollout status deploy/files --timeout=120s >/dev/null || fail "$form: deploy/files has no ready pod again"
}

# kubectl_pf_cases FORM ARGS...: the forward cases with kubectl port-forward.
kubectl_pf_cases() {
  local form=$1; shift
  local log=$TMP/kpf.log pid port=""
  "$@" port-forward --address 127.0.0.1 deploy/files :80 >"$log" 2>&1 </dev/null &
  pid=$!
  BG_PIDS+=("$pid")
  kubectl_port() { port=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log" | head -1); [[ -n $port ]]; }
  if ! wait_for 30 kubectl_port; then
    fail "$form: kubectl port-forward never reported its port"; show "$log"
    kill "$pid" 2>/dev/null
    return
  fi
  forward_cases "$form" "$port" "$pid"
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# ---------------------------------------------------------------------------- restricted
restricted_cases() { # FORM CONTEXT-ARGS...
  local form=$1; shift
  local rc
  "$MODERN_KUBECTL" --kubeconfig "$RESTRICTED_KUBECONFIG" "$@" -n "$NS" get pod shell >/dev/null 2>"$TMP/r.err"
  rc=$?
  check "$form: the restricted user reads pod shell with its own token (rc $rc)" test "$rc" -eq 0 || show "$TMP/r.err"

  timeout 30 "$ORKA" --kubeconfig "$RESTRICTED_KUBECONFIG" "$@" -n "$NS" ops exec -q -i shell -- true \
    </dev/null >/dev/null 2>"$TMP/r.err"
  rc=$?
  check "$form: orka exec as the restricted user: exit 1, refused by RBAC (cannot create pods/exec)" \
    bash -c '[[ $1 == 1 ]] && grep -q "cannot create resource \"pods/exec\"" "$2"' _ "$rc" "$TMP/r.err" ||
    show "$TMP/r.err"

  timeout 30 "$ORKA" --kubeconfig "$RESTRICTED_KUBECONFIG" "$@" -n "$NS" ops pf pod/shell :80 \
    </dev/null >/dev/null 2>"$TMP/r.err"
  rc=$?
  check "$form: orka pf as the restricted user: exit 1, refused by RBAC (cannot create pods/portforward)" \
    bash -c '[[ $1 == 1 ]] && grep -q "cannot create resource \"pods/portforward\"" "$2"' _ "$rc" "$TMP/r.err" ||
    show "$TMP/r.err"

  timeout 30 "$MODERN_KUBECTL" --kubeconfig "$RESTRICTED_KUBECONFIG" "$@" -n "$NS" exec shell -- true \
    </dev/null >/dev/null 2>"$TMP/r.err"
  rc=$?
  check "$form: kubectl 1.33 exec as the restricted user is refused the same way (rc $rc)" \
    bash -c '[[ $1 != 0 ]] && grep -q "cannot create resource \"pods/exec\"" "$2"' _ "$rc" "$TMP/r.err" ||
    show "$TMP/r.err"
}

# wrong_container_case FORM TRANSPORT ARGS...: a container the pod does not have is the API's
# 400 before any upgrade, reported as such, without a hint about the wire protocol.
wrong_container_case() {
  local form=$1 transport=$2; shift 2
  local rc
  timeout 30 "$@" ops exec -q --transport "$transport" -c nope shell -- true </dev/null >/dev/null 2>"$TMP/c.err"
  rc=$?
  check "$form: exec --transport $transport -c nope: exit 1, the API's message, no protocol hint (rc $rc)" \
    bash -c '[[ $1 == 1 ]] && grep -q "container nope is not valid for pod shell" "$2" && ! grep -qi "upgrade" "$2"' \
    _ "$rc" "$TMP/c.err" || show "$TMP/c.err"
}

# ---------------------------------------------------------------------------- the two passes
ORKA_MODERN=("$ORKA" --context modern -n "$NS")
ORKA_DIRECT=("$ORKA" -n "$NS")
KUBECTL_MODERN=("$MODERN_KUBECTL" --context modern -n "$NS")
KUBECTL_DIRECT=("$MODERN_KUBECTL" -n "$NS")

echo "# --- through the modern front ($front_version): exec over v5, pf over the tunnel"
t0=$SECONDS
for t in auto websocket; do
  orka_exec_wire "front, orka exec --transport $t" "WebSocket (v5.channel.k8s.io)" \
    "${ORKA_MODERN[@]}" ops exec -q --transport "$t"
  mark=$(front_mark)
  exec_cases "front, orka exec --transport $t" "${ORKA_MODERN[@]}" ops exec -q --transport "$t"
  check "front, orka exec --transport $t: the front's stream translator served it" \
    front_served "$mark" exec "$TRANSLATOR"
done
mark=$(front_mark)
orka_pf_cases "front, orka pf" "SPDY/3.1 over WebSocket" "${ORKA_MODERN[@]}"
check "front, orka pf: the front's tunnelling handler served it" front_served "$mark" portforward "$TUNNEL"
restricted_cases "front" --context modern
wrong_container_case "front, orka" auto "${ORKA_MODERN[@]}"
mark=$(front_mark)
exec_cases "front, kubectl 1.33 exec" "${KUBECTL_MODERN[@]}" exec
check "front, kubectl 1.33 exec: the front's stream translator served it" \
  front_served "$mark" exec "$TRANSLATOR"
mark=$(front_mark)
kubectl_pf_cases "front, kubectl 1.33 port-forward" "${KUBECTL_MODERN[@]}"
check "front, kubectl 1.33 port-forward: the front's tunnelling handler served it" \
  front_served "$mark" portforward "$TUNNEL"
echo "# modern forms: $((SECONDS - t0))s"

echo "# --- the 1.20 API server directly: exec and pf over SPDY/3.1"
t0=$SECONDS
orka_exec_wire "1.20, orka exec" "SPDY/3.1 (v4.channel.k8s.io)" "${ORKA_DIRECT[@]}" ops exec -q
exec_cases "1.20, orka exec" "${ORKA_DIRECT[@]}" ops exec -q
orka_pf_cases "1.20, orka pf" "SPDY/3.1" "${ORKA_DIRECT[@]}"
restricted_cases "1.20"
wrong_container_case "1.20, orka" spdy "${ORKA_DIRECT[@]}"
exec_cases "1.20, kubectl 1.33 exec" "${KUBECTL_DIRECT[@]}" exec
kubectl_pf_cases "1.20, kubectl 1.33 port-forward" "${KUBECTL_DIRECT[@]}"
echo "# 1.20 forms: $((SECONDS - t0))s"
