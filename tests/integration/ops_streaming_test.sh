#!/usr/bin/env bash
# Integration test of the streaming ops on the test cluster: `orka ops logs`, `exec`, `pf`.
# One line per check ("ok: ..." / "FAIL: ..."); exits non-zero when any check failed.
# Uses $ORKA_BIN, else <build>/app/orka ($ORKA_BUILD_DIR, else ./build). Assumes the cluster is
# up (tests/integration/run.sh brings it up). Makes and deletes its own namespace.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
require_orka

NS=orka-it-streaming-$$
FAILED=0
BG_PIDS=()
TMP=$(mktemp -d)

kc() { timeout 60 "$KUBECTL_BIN" --request-timeout=30s -n "$NS" "$@"; }
orka() { timeout "${ORKA_TIMEOUT:-60}" "$ORKA" -n "$NS" "$@"; }
fail() { echo "FAIL: $*" >&2; FAILED=1; }
pass() { echo "ok: $*"; }
check() { # description command...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
fatal() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
  local rc=$?
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)" >&2
    kc get pods -o wide >&2 2>&1 || true
  fi
  timeout 60 "$KUBECTL_BIN" delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [[ $rc == 0 && $FAILED != 0 ]]; then exit 1; fi
}
trap cleanup EXIT

# wait_for SECONDS command...: polls once a second.
wait_for() {
  local limit=$1 i; shift
  for ((i = 0; i < limit; i++)); do "$@" && return 0; sleep 1; done
  return 1
}

echo "orka: $ORKA; kubectl: $KUBECTL_BIN; namespace $NS"
timeout 60 "$KUBECTL_BIN" create namespace "$NS" >/dev/null || fatal "create namespace $NS"
has_token() { [[ -n $(kc get serviceaccount default -o jsonpath='{.secrets[0].name}' 2>/dev/null) ]]; }
wait_for 60 has_token ||
  fatal "no service-account token in $NS"
kc apply -f "$FIX/multi-container.yaml" -f "$FIX/web.yaml" -f "$FIX/crashloop.yaml" -f "$FIX/long-line.yaml" >/dev/null ||
  fatal "apply fixtures"
kc wait --for=condition=Ready pod/multi --timeout=120s >/dev/null || fatal "pod multi not ready"
kc rollout status deploy/web --timeout=120s >/dev/null || fatal "deploy/web not ready"
sleep 3  # a few log lines

# ---------------------------------------------------------------------------- logs
out=$(orka ops logs multi -c main --tail 3)
check "logs --tail 3 prints 3 lines of the container" \
  test "$(grep -c '^main: [0-9]*$' <<<"$out")" -eq 3 -a "$(wc -l <<<"$out")" -eq 3

out=$(orka ops logs multi -c main --tail 2 --timestamps)
check "logs --timestamps puts an RFC 3339 timestamp first" \
  test "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z main: [0-9]+$' <<<"$out")" -eq 2

all=$(orka ops logs multi -c main | wc -l)
recent=$(orka ops logs multi -c main --since 2s | wc -l)
check "logs --since 2s prints fewer lines than the whole log ($recent < $all)" test "$recent" -lt "$all" -a "$recent" -ge 1

out=$(orka ops logs multi --all-containers --init-containers)
check "logs --all-containers --init-containers prefixes each container" \
  bash -c 'grep -q "^\[multi/main\] main: " <<<"$1" && grep -q "^\[multi/sidecar\] sidecar: " <<<"$1" && grep -q "^\[multi/init\] init: done" <<<"$1"' _ "$out"

out=$(orka ops logs -l app=web --tail -1)
pods=$(grep -o '^\[web-[^/]*/' <<<"$out" | sort -u | wc -l)
check "logs -l app=web reads every pod of the selector ($pods pods)" test "$pods" -eq 2

out=$(orka ops logs deploy/web --tail -1 --json)
check "logs --json: each stream's start, then lines carrying pod, container, timestamp and line" \
  python3 -c 'import json,sys
objects = [json.loads(l) for l in sys.argv[1].splitlines()]
started = [o for o in objects if o.get("event") == "stream_started"]
lines = [o for o in objects if "line" in o]
assert len(started) == 2 and objects[0]["event"] == "stream_started", objects[:3]
o = lines[0]
assert o["container"] == "httpd" and o["pod"].startswith("web-") and o["timestamp"], o' "$out"

out=$(orka ops logs multi -c main --include '[13579]$' --include 'never-matches' --exclude '^main: 1$')
check "logs --include/--exclude filter each line (odd lines but the first)" \
  bash -c '[[ -n $1 ]] && ! grep -qv "^main: [0-9]*[13579]$" <<<"$1" && ! grep -qx "main: 1" <<<"$1" && grep -qx "main: 3" <<<"$1"' _ "$out"

finished() { [[ $(kc get pod long-line -o jsonpath='{.status.phase}' 2>/dev/null) == Succeeded ]]; }
if wait_for 60 finished; then
  orka ops logs long-line >"$TMP/long.orka"
  kc logs long-line >"$TMP/long.kubectl"
  check "logs: lines longer than the runtime's 16 KiB parts come out as written, as kubectl prints them ($(awk '{ printf "%d ", length($0) }' "$TMP/long.orka")bytes)" \
    cmp -s "$TMP/long.orka" "$TMP/long.kubectl"
  out=$(orka ops logs long-line --json-field msg=long -o template='{{.trace}}')
  check "logs --json-field and a template read a 50,000-byte JSON line as written (a ${#out}-byte field, 49960 written)" \
    test "${#out}" = 49960
else
  fail "pod long-line never finished"
fi

restarted() { [[ $(kc get pod crashloop -o jsonpath='{.status.containerStatuses[0].restartCount}' 2>/dev/null) -ge 1 ]]; }
if wait_for 90 restarted; then
  out=$(orka ops logs crashloop --previous)
  check "logs --previous shows the terminated instance" grep -q '^crash: run [0-9]*$' <<<"$out"
else
  fail "crashloop never restarted (needed for --previous)"
fi

out=$(timeout 30 "$ORKA" --kubeconfig "$RESTRICTED_KUBECONFIG" -n "$NS" ops logs multi 2>&1)
rc=$?
check "logs as the restricted user in a namespace it cannot read: exit 1 and a Forbidden error" \
  bash -c '[[ $1 == 1 ]] && grep -qi "forbidden" <<<"$2"' _ "$rc" "$out"

# Follow a workload, then scale it up: the new pod's lines appear in the same stream.
"$ORKA" -n "$NS" ops logs deploy/web -f --json >"$TMP/follow.json" 2>"$TMP/follow.err" &
BG_PIDS+=($!)
follow_pid=$!
sleep 3
kc scale deploy/web --replicas=3 >/dev/null
kc rollout status deploy/web --timeout=90s >/dev/null
new_pods() { [[ $(python3 -c 'import json,sys; print(len({o["pod"] for o in map(json.loads, filter(str.strip, open(sys.argv[1]))) if "line" in o}))' "$TMP/follow.json" 2>/dev/null || echo 0) -ge 3 ]]; }
check "logs -f deploy/web picks up the pod a scale-up creates" wait_for 30 new_pods
kill "$follow_pid" 2>/dev/null
kc scale deploy/web --replicas=2 >/dev/null

# ---------------------------------------------------------------------------- exec
out=$(orka ops exec -q multi -c main -- sh -c 'echo from-stdout; echo from-stderr >&2; exit 42' 2>"$TMP/exec.err")
rc=$?
check "exec: stdout, stderr and the remote exit code 42" \
  bash -c '[[ $1 == 42 && $2 == from-stdout ]] && grep -qx from-stderr "$3"' _ "$rc" "$out" "$TMP/exec.err"

out=$(orka ops exec -q multi -c main -- no-such-command 2>&1)
rc=$?
check "exec: a command that cannot start is an error (exit 1)" \
  bash -c '[[ $1 == 1 ]] && grep -q "executable file not found" <<<"$2"' _ "$rc" "$out"

# 20 MB of random bytes through stdin. This 1.20 cluster speaks only v4.channel.k8s.io, which
# cannot signal EOF, so the remote reads exactly N bytes (head -c) instead of waiting for EOF.
head -c 20971520 /dev/urandom >"$TMP/blob"
want=$(sha256sum <"$TMP/blob" | cut -d' ' -f1)
got=$(orka ops exec -q -i multi -c main -- sh -c 'head -c 20971520 | sha256sum' <"$TMP/blob" 2>/dev/null | cut -d' ' -f1)
check "exec -i: 20 MiB of random stdin arrive intact (sha256)" test "$got" = "$want"

out=$(orka ops exec -q deploy/web -- cat /tmp/www/index.html)
check "exec deploy/web runs in one of its pods" grep -q '^hello from web-' <<<"$out"

# -t: the local terminal's size reaches the remote TTY (a pseudo-terminal from script(1)).
# orka sends the size before any input, but the runtime may start the process before it
# applies the size (kubectl has the same race), hence the short sleep before `stty size`.
if command -v script >/dev/null; then
  out=$( (sleep 5) | timeout 30 script -qec "stty cols 123 rows 45; '$ORKA' -n '$NS' ops exec -q -it multi -c main -- sh -c 'sleep 1; stty size'" /dev/null | tr -d '\r')
  check "exec -it: the initial terminal size is sent before input (stty size = 45 123)" grep -qx '45 123' <<<"$out"
fi

# ---------------------------------------------------------------------------- pf
# Started directly (no shell function, no timeout wrapper, which would signal it twice) so a
# single SIGINT reaches orka; the EXIT trap kills it if the test dies first.
"$ORKA" -n "$NS" ops pf svc/web :http --json >"$TMP/pf.json" 2>"$TMP/pf.err" &
pf_pid=$!
BG_PIDS+=("$pf_pid")
pf_port() { python3 -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["event"] == "ready": print(o["local_port"]); break' "$TMP/pf.json" 2>/dev/null; }
has_port() { [[ -n $(pf_port) ]]; }
wait_for 30 has_port
port=$(pf_port)
check "pf --json reports Ready with the picked local port ($port)" test -n "$port"
if [[ -n $port ]]; then
  out=$(curl -s --max-time 10 "http://127.0.0.1:$port/")
  check "pf svc/web: HTTP through the forward" grep -q '^hello from web-' <<<"$out"
  ok=$(seq 50 | xargs -P 50 -I{} curl -s --max-time 20 -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/" | grep -c '^200$')
  check "pf: 50 concurrent connections all succeed ($ok/50)" test "$ok" -eq 50
  # The pod behind the forward goes away: the service target is re-resolved, the listener stays.
  first_pod=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["pod"])' "$TMP/pf.json")
  kc delete pod "$first_pod" --wait=false >/dev/null
  retargeted() { grep -q '"event":"retargeted"' "$TMP/pf.json"; }
  serves() { curl -s --max-time 5 "http://127.0.0.1:$port/" | grep -q '^hello from web-'; }
  retarget_ok() { wait_for 30 retargeted && wait_for 10 serves; }
  check "pf svc/web: the forwarded pod is deleted → Retargeted to another pod, HTTP still works" retarget_ok
  kill -INT "$pf_pid"
  wait "$pf_pid"
  rc=$?
  check "pf: Ctrl-C ends the forward with exit 130 like every cancelled op (got $rc)" test "$rc" -eq 130
  check "pf --json: ConnectionClosed with byte counts and a final Closed" \
    python3 -c 'import json,sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
closed = [e for e in events if e["event"] == "connection_closed"]
assert len(closed) >= 51 and all(e["bytes_in"] > 0 for e in closed), len(closed)
assert events[-1]["event"] == "closed"' "$TMP/pf.json"
fi

# A connection the pod side refuses (nothing listens on 9) is an error event, not the end.
# Only running pods that are not being deleted count: the pod deleted above may still be in
# its grace period.
live_web_pods() {
  kc get pods -l app=web -o json | python3 -c 'import json, sys
for p in json.load(sys.stdin)["items"]:
    if not p["metadata"].get("deletionTimestamp") and p["status"].get("phase") == "Running":
        print(p["metadata"]["name"])'
}
two_web_pods() { [[ $(live_web_pods | wc -l) -eq 2 ]]; }
wait_for 120 two_web_pods || fail "deploy/web did not scale back to 2 pods"
"$ORKA" -n "$NS" ops pf "$(live_web_pods | head -1)" :9 :8080 --json >"$TMP/pf2.json" 2>&1 &
pf_pid=$!
BG_PIDS+=("$pf_pid")
ports() { python3 -c 'import json,sys
print(" ".join(str(json.loads(l)["local_port"]) for l in open(sys.argv[1]) if "\"ready\"" in l))' "$TMP/pf2.json" 2>/dev/null; }
two_ports() { [[ $(ports | wc -w) -eq 2 ]]; }
wait_for 30 two_ports
read -r dead live <<<"$(ports)"
if [[ -n ${live:-} ]]; then
  curl -s --max-time 10 -o /dev/null "http://127.0.0.1:$dead/"
  wait_for 10 grep -q '"connection_error"' "$TMP/pf2.json"
  out=$(curl -s --max-time 10 "http://127.0.0.1:$live/")
  check "pf: a connection refused in the pod does not end the forward" \
    bash -c 'grep -q "\"connection_error\"" "$1" && grep -q "^hello from web-" <<<"$2" && kill -0 "$3"' _ "$TMP/pf2.json" "$out" "$pf_pid"
else
  fail "pf with two ports never became ready: $(cat "$TMP/pf2.json")"
fi
kill -INT "$pf_pid" 2>/dev/null

[[ $FAILED == 0 ]] && echo "all streaming checks passed"
exit $FAILED
