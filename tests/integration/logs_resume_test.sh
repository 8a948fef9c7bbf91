#!/usr/bin/env bash
# Integration test: `orka ops logs -f` survives a real cut of its stream. The API server is
# killed (kill -9) while orka follows a pod that prints numbered lines, and brought back with
# `scripts/cluster up`; orka must resume from the last timestamp it saw, so the numbers it
# printed are strictly consecutive across the cut (no line twice, none missing).
# One line per check ("ok: ..." / "FAIL: ..."); exits non-zero when any check failed.
# Uses $ORKA_BIN, else <build>/app/orka ($ORKA_BUILD_DIR, else ./build). Assumes the cluster is
# up (tests/integration/run.sh brings it up). Makes and deletes its own namespace.
# Other users of the cluster see the API server go away for the ~10-40 s of the restart.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
require_orka
APISERVER_PIDFILE=$CLUSTER_DIR/run/kube-apiserver.pid

NS=orka-it-logs-resume-$$
FAILED=0
BG_PIDS=()
APISERVER_DOWN=0
TMP=$(mktemp -d)

kc() { timeout 60 "$KUBECTL_BIN" --request-timeout=30s -n "$NS" "$@"; }
fail() { echo "FAIL: $*" >&2; FAILED=1; }
pass() { echo "ok: $*"; }
check() { # description command...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
fatal() { echo "FAIL: $*" >&2; exit 1; }

# Brings a killed API server back; bounded (a no-op `up` takes seconds, recovery ~40 s).
restore_apiserver() {
  timeout --kill-after=10 180 "$CLUSTER" up >"$TMP/cluster-up.log" 2>&1 && APISERVER_DOWN=0
}

cleanup() {
  local rc=$?
  for p in "${BG_PIDS[@]}"; do { kill -9 "$p" && wait "$p"; } 2>/dev/null; done
  if [[ $APISERVER_DOWN == 1 ]]; then
    echo "--- the test ended with the API server down: scripts/cluster up" >&2
    restore_apiserver || { echo "FAIL: scripts/cluster up did not bring the API server back:" >&2; tail -20 "$TMP/cluster-up.log" >&2; rc=1; }
  fi
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)" >&2
    kc get pods -o wide >&2 2>&1 || true
    for f in pod deploy; do
      [[ -s $TMP/$f.err ]] && { echo "--- orka stderr ($f)" >&2; tail -20 "$TMP/$f.err" >&2; }
      [[ -s $TMP/$f.out ]] && { echo "--- orka stdout ($f, last lines)" >&2; tail -5 "$TMP/$f.out" >&2; }
    done
  fi
  timeout 60 "$KUBECTL_BIN" delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [[ $rc == 0 && $FAILED != 0 ]]; then exit 1; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for SECONDS command...: polls once a second.
wait_for() {
  local limit=$1 i; shift
  for ((i = 0; i < limit; i++)); do "$@" && return 0; sleep 1; done
  return 1
}

# Two followers of the same container: one names the pod, one the Deployment (whose lines
# carry a "[pod/container] " prefix and whose pods are also re-listed across the cut).
FOLLOWERS=(pod deploy)
LINE_RE='^\(\[[^]]*\] \)\{0,1\}line \([0-9][0-9]*\)$'
# numbers FOLLOWER: the numbers of the "line N" lines it printed so far, in output order.
numbers() { sed -n "s/$LINE_RE/\\2/p" "$TMP/$1.out"; }
last_number() { numbers "$1" | tail -1; }
count_lines() { numbers "$1" | wc -l; }
# more_than N: every follower printed more than N numbered lines.
more_than() { local f; for f in "${FOLLOWERS[@]}"; do [[ $(count_lines "$f") -gt $1 ]] || return 1; done; }

echo "orka: $ORKA; kubectl: $KUBECTL_BIN; namespace $NS"
[[ -r $APISERVER_PIDFILE ]] || fatal "no API server pidfile at $APISERVER_PIDFILE (is the cluster up?)"
timeout 60 "$KUBECTL_BIN" create namespace "$NS" >/dev/null || fatal "create namespace $NS"
has_token() { [[ -n $(kc get serviceaccount default -o jsonpath='{.secrets[0].name}' 2>/dev/null) ]]; }
wait_for 60 has_token || fatal "no service-account token in $NS"

# The spammer at 5 lines a second instead of 10: several lines still share each second (the
# resume point has one-second precision), and the captured file stays small.
sed 's/sleep 0\.1 /sleep 0.2 /' "$FIX/log-spammer.yaml" >"$TMP/log-spammer.yaml"
grep -q 'sleep 0.2 ' "$TMP/log-spammer.yaml" || fatal "could not slow down the log spammer fixture"
kc apply -f "$TMP/log-spammer.yaml" >/dev/null || fatal "apply log-spammer"
kc rollout status deploy/log-spammer --timeout=120s >/dev/null || fatal "deploy/log-spammer not ready"
pod=$(kc get pods -l app=log-spammer -o jsonpath='{.items[0].metadata.name}')
[[ -n $pod ]] || fatal "no log-spammer pod"

# Started directly (no timeout wrapper, which would signal it twice) so one SIGINT reaches
# orka; the EXIT trap kills it if the test dies first.
declare -A PID
"$ORKA" -n "$NS" ops logs -f "$pod" >"$TMP/pod.out" 2>"$TMP/pod.err" &
PID[pod]=$!
"$ORKA" -n "$NS" ops logs -f deploy/log-spammer >"$TMP/deploy.out" 2>"$TMP/deploy.err" &
PID[deploy]=$!
BG_PIDS+=("${PID[pod]}" "${PID[deploy]}")

wait_for 30 more_than 15 || fatal "orka ops logs -f printed no numbered lines in 30 s"
sleep 2

# ---------------------------------------------------------------------------- the cut
apiserver_pid=$(cat "$APISERVER_PIDFILE")
[[ $apiserver_pid =~ ^[0-9]+$ ]] && kill -0 "$apiserver_pid" 2>/dev/null ||
  fatal "API server pid '$apiserver_pid' from $APISERVER_PIDFILE is not running"
declare -A BEFORE DURING
for f in "${FOLLOWERS[@]}"; do BEFORE[$f]=$(count_lines "$f"); done
APISERVER_DOWN=1
kill -9 "$apiserver_pid" || fatal "kill -9 $apiserver_pid (kube-apiserver)"
echo "killed kube-apiserver (pid $apiserver_pid); pod follower at line $(last_number pod), deploy follower at line $(last_number deploy)"
gone() { ! kill -0 "$apiserver_pid" 2>/dev/null || grep -q '^Z' <(ps -o stat= -p "$apiserver_pid" 2>/dev/null); }
wait_for 10 gone || fatal "kube-apiserver pid $apiserver_pid still alive after kill -9"
# Down for 6 s (30 new lines in the pod): orka's reconnects fail and back off meanwhile.
sleep 6
for f in "${FOLLOWERS[@]}"; do
  DURING[$f]=$(count_lines "$f")
  check "$f follower: the stream is really cut (${BEFORE[$f]} -> ${DURING[$f]} lines while the API server is down)" \
    test "${DURING[$f]}" -le "$((BEFORE[$f] + 3))"
  check "$f follower: orka keeps running while the API server is down" kill -0 "${PID[$f]}"
done

t0=$SECONDS
restore_apiserver || { cat "$TMP/cluster-up.log" >&2; fatal "scripts/cluster up failed after the kill"; }
new_pid=$(cat "$APISERVER_PIDFILE")
echo "scripts/cluster up brought kube-apiserver back in $((SECONDS - t0))s (pid $new_pid)"
check "the API server is a new process ($apiserver_pid -> $new_pid)" test "$new_pid" != "$apiserver_pid"

# orka backs off at most 5 s between attempts (the deploy follower re-lists pods every few
# seconds): the lines missed during the cut plus new ones must follow well within 60 s.
target=$(( $(kc logs "$pod" | grep -c '^line ') + 15 ))
check "lines arrive after the restart (both followers beyond line $target)" wait_for 60 more_than "$target"

# ---------------------------------------------------------------------------- stop
for f in "${FOLLOWERS[@]}"; do
  check "$f follower: orka still runs after the restart" kill -0 "${PID[$f]}"
  kill -INT "${PID[$f]}" 2>/dev/null
done
for f in "${FOLLOWERS[@]}"; do
  ended() { ! kill -0 "${PID[$f]}" 2>/dev/null; }
  if wait_for 15 ended; then
    wait "${PID[$f]}"
    rc=$?
    check "$f follower: SIGINT ends orka ops logs -f with exit 130 or 0 (got $rc)" test "$rc" -eq 130 -o "$rc" -eq 0
  else
    fail "$f follower: orka ops logs -f did not exit within 15 s of SIGINT"
  fi
done

# ---------------------------------------------------------------------------- the output
for f in "${FOLLOWERS[@]}"; do
  total=$(count_lines "$f")
  check "$f follower: only numbered lines on stdout" test "$(grep -cv "$LINE_RE" "$TMP/$f.out")" -eq 0
  check "$f follower: lines before the cut (${BEFORE[$f]}) and after it ($((total - DURING[$f])))" \
    test "${BEFORE[$f]}" -ge 15 -a "$((total - DURING[$f]))" -ge 30
  gaps=$(numbers "$f" | awk 'NR > 1 && $1 != prev + 1 { printf "after %d came %d; ", prev, $1 } { prev = $1 }')
  check "$f follower: numbers strictly consecutive across the cut, no duplicate, no gap ($(numbers "$f" | head -1)..$(last_number "$f"), $total lines)" \
    test -z "$gaps"
  [[ -n $gaps ]] && echo "  discontinuities: $gaps" >&2
done

[[ $FAILED == 0 ]] && echo "all log-resume checks passed"
exit $FAILED
