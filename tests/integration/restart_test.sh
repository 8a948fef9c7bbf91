#!/usr/bin/env bash
# Integration test: the API server, then one kubelet, restarted (scripts/cluster restart) while
# `orka ops logs -f`, `exec`, `pf` and `drain` run against them. Each must recover or fail with a
# clear message, and none may hang past its timeout:
#   logs -f  keeps following: the numbered lines it printed are consecutive across both restarts;
#   exec     its stream is cut: exit 1 and an error saying the session broke, never 0, never a hang;
#   pf       serves new connections once the component is back;
#   drain    evicts, waits for the pods through the restart, ends drained (exit 0), node cordoned.
# Everything runs on one node (nodeName); the drain takes only this test's pods (by label) and the
# node is uncordoned on exit. The cluster is left healthy (checked at the end; `scripts/cluster up`
# if a restart failed). Run it under `flock /work/.cluster.lock` on a shared machine.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 600 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-restart-$$
TMP=$(mktemp -d)
NODE=
declare -A PID=()

stop_background() {
  local name
  for name in "${!PID[@]}"; do { kill -9 "${PID[$name]}" && wait "${PID[$name]}"; } 2>/dev/null; done
  PID=()
}

cleanup() {
  local rc=$?
  stop_background
  [[ -n $NODE ]] && kc uncordon "$NODE" >/dev/null 2>&1
  if ! "$CLUSTER" status >"$TMP/status.log" 2>&1; then
    echo "--- the cluster is not healthy after the test: scripts/cluster up" >&2
    timeout 300 "$CLUSTER" up >"$TMP/up.log" 2>&1 || { tail -20 "$TMP/up.log" >&2; rc=1; }
  fi
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    for f in "$TMP"/*.err "$TMP"/drain-*.out; do [[ -s $f ]] && { echo "--- $f" >&2; tail -15 "$f" >&2; }; done
    kc -n "$NS" get pods -o wide >&2 2>&1
  fi
  finish_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

NODE=$(kc get nodes -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\n' | sort | tail -1)
[[ $NODE =~ ^127\.0\.0\.([0-9])$ ]] || { NODE=; fatal "unexpected node names (want 127.0.0.N)"; }
KUBELET=node${BASH_REMATCH[1]}-kubelet
create_test_namespace "$NS"
echo "node $NODE ($KUBELET); namespace $NS"

# pod NAME LABEL COMMAND [grace]: a bare busybox pod on $NODE.
pod() {
  kc -n "$NS" apply -f - >/dev/null <<YAML || fatal "create pod $1"
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels: {role: $2}
spec:
  nodeName: $NODE
  terminationGracePeriodSeconds: ${4:-5}
  containers:
  - name: main
    image: orka/busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c", "$3"]
    ports: [{containerPort: 8080}]
YAML
}
# 5 numbered lines a second; several share a second, so a resume must skip exact repeats.
pod spammer spammer 'trap \"exit 0\" TERM; i=0; while :; do i=$((i+1)); echo line $i; sleep 0.2 & wait $!; done'
pod sleeper sleeper 'trap \"exit 0\" TERM; while :; do sleep 1 & wait $!; done'
pod web web 'mkdir -p /tmp/www; echo hello from web > /tmp/www/index.html; httpd -f -p 8080 -h /tmp/www'
for p in spammer sleeper web; do
  kc -n "$NS" wait --for=condition=Ready "pod/$p" --timeout=120s >/dev/null || fatal "pod $p not ready"
done

# ------------------------------------------------------------------ the long-running ops
LINE_RE='^line \([0-9][0-9]*\)$'
numbers() { sed -n "s/$LINE_RE/\\1/p" "$TMP/logs.out"; }
count_lines() { numbers | wc -l; }
"$ORKA" -n "$NS" ops logs -f spammer >"$TMP/logs.out" 2>"$TMP/logs.err" &
PID[logs]=$!
"$ORKA" -n "$NS" ops pf pod/web :8080 >"$TMP/pf.out" 2>"$TMP/pf.err" &
PID[pf]=$!
pf_ready() { grep -qsE '^Forwarding from 127\.0\.0\.1:[0-9]+ ' "$TMP/pf.out"; }
eventually 30 pf_ready || fatal "pf printed no 'Forwarding from' line"
PORT=$(sed -nE 's/^Forwarding from 127\.0\.0\.1:([0-9]+) .*/\1/p' "$TMP/pf.out" | head -1)
serves() { # N requests, each answered in full
  local i
  for ((i = 0; i < $1; i++)); do
    [[ $(curl -sS --max-time 10 "http://127.0.0.1:$PORT/" 2>/dev/null) == "hello from web" ]] || return 1
  done
}
check "pf serves before any restart" serves 3
more_than() { [[ $(count_lines) -gt $1 ]]; }
check "logs -f prints before any restart" eventually 30 more_than 10

# start_exec NAME: a 60-second command (a line every 0.5 s), bounded at 100 s.
start_exec() {
  timeout --kill-after=5 100 "$ORKA" -n "$NS" ops exec sleeper -- \
    sh -c 'i=0; while [ $i -lt 120 ]; do echo "tick $i"; i=$((i+1)); sleep 0.5; done' \
    >"$TMP/$1.out" 2>"$TMP/$1.err" &
  PID[$1]=$!
}
# start_drain NAME ROLE: two pods of ROLE that take ~10 s to stop, and a drain of them (150 s).
start_drain() {
  local name=$1 role=$2 p
  for p in "$role-1" "$role-2"; do pod "$p" "$role" 'trap \"sleep 10; exit 0\" TERM; while :; do sleep 1 & wait $!; done' 30; done
  for p in "$role-1" "$role-2"; do
    kc -n "$NS" wait --for=condition=Ready "pod/$p" --timeout=120s >/dev/null || fatal "pod $p not ready"
  done
  timeout --kill-after=10 150 "$ORKA" ops drain "$NODE" --force --pod-selector "role=$role" \
    --timeout 140s >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PID[$name]=$!
}
# finished NAME: the background op NAME ended; its exit code is in $TMP/NAME.rc.
finished() {
  kill -0 "${PID[$1]}" 2>/dev/null && return 1
  wait "${PID[$1]}"
  echo $? >"$TMP/$1.rc"
  unset "PID[$1]"
  return 0
}
rc_of() { cat "$TMP/$1.rc" 2>/dev/null || echo none; }

# restart_during COMPONENT PHASE: the same four ops across one restart of COMPONENT.
restart_during() {
  local component=$1 phase=$2 t0
  start_exec "exec-$phase"
  start_drain "drain-$phase" "victim-$phase"
  has_ticks() { grep -q 'tick 3' "$TMP/exec-$phase.out"; }
  check "$phase: exec prints before the restart" eventually 30 has_ticks
  evicted() { grep -q '(2/2)' "$TMP/drain-$phase.out"; }
  check "$phase: drain evicted both pods before the restart (they take ~10 s to stop)" eventually 30 evicted
  local before=$(count_lines)

  t0=$SECONDS
  if ! timeout 240 "$CLUSTER" restart "$component" >"$TMP/restart-$phase.log" 2>&1; then
    tail -20 "$TMP/restart-$phase.log" >&2
    fatal "$phase: scripts/cluster restart $component failed"
  fi
  echo "$phase: $component restarted in $((SECONDS - t0))s"

  # exec: its stream went through the restarted component.
  exec_done() { finished "exec-$phase"; }
  check "$phase: exec ends (it does not hang)" eventually 90 exec_done
  local rc
  rc=$(rc_of "exec-$phase")
  check "$phase: exec exits 1 with its stream cut, neither 0 nor a timeout (got $rc)" test "$rc" = 1
  check "$phase: exec says the session broke before the command finished ($(head -c 200 "$TMP/exec-$phase.err" | tr '\n' ' '))" \
    grep -qiE '^error: .*(broke|ended).*before' "$TMP/exec-$phase.err"
  check "$phase: exec was cut, not run to its end" lacks "$TMP/exec-$phase.out" 'tick 119'

  # pf: the same process serves new connections once the component is back.
  check "$phase: orka ops pf still runs" kill -0 "${PID[pf]}"
  check "$phase: pf serves 3 new connections after the restart" eventually 60 serves 3

  # logs -f: lines again, past the restart.
  local target=$((before + 25))
  check "$phase: logs -f prints again after the restart (beyond $target lines)" eventually 60 more_than "$target"
  check "$phase: orka ops logs -f still runs" kill -0 "${PID[logs]}"

  # drain: finishes on its own.
  drain_done() { finished "drain-$phase"; }
  check "$phase: drain ends within its timeout" eventually 150 drain_done
  rc=$(rc_of "drain-$phase")
  check "$phase: drain exits 0 (got $rc; $(tail -c 300 "$TMP/drain-$phase.err" | tr '\n' ' '))" test "$rc" = 0
  check "$phase: drain reports the node drained" contains "$TMP/drain-$phase.out" "node/$NODE drained"
  check "$phase: the node is cordoned" test "$(kc get node "$NODE" -o jsonpath='{.spec.unschedulable}')" = true
  check "$phase: the drained pods are gone" test -z "$(kc -n "$NS" get pods -l "role=victim-$phase" -o name 2>/dev/null)"
}

restart_during kube-apiserver apiserver
restart_during "$KUBELET" kubelet

# ------------------------------------------------------------------ logs -f, end to end
kill -INT "${PID[logs]}"
logs_done() { finished logs; }
if eventually 15 logs_done; then
  rc=$(rc_of logs)
  check "SIGINT ends logs -f with 130 or 0 (got $rc)" test "$rc" = 130 -o "$rc" = 0
else
  fail "logs -f did not end within 15 s of SIGINT"
fi
gaps=$(numbers | awk 'NR > 1 && $1 != prev + 1 { printf "after %d came %d; ", prev, $1 } { prev = $1 }')
check "logs -f: numbers consecutive from line 1 across both restarts, none lost or twice ($(numbers | head -1)..$(numbers | tail -1), $(count_lines) lines)" \
  test -z "$gaps" -a "$(numbers | head -1)" = 1
[[ -n $gaps ]] && echo "  discontinuities: $gaps" >&2
kill -INT "${PID[pf]}" 2>/dev/null
pf_done() { finished pf; }
check "SIGINT ends pf" eventually 15 pf_done

check "the cluster is healthy afterwards (scripts/cluster status)" "$CLUSTER" status

[[ $FAILED == 0 ]] && echo "all restart checks passed"
exit "$FAILED"
