#!/usr/bin/env bash
# Integration test: `orka ops logs` through the fault proxy (docs/fault-proxy.md). A pod prints
# numbered lines; the proxy cuts the followed stream mid-body, truncates its chunked body inside
# a chunk, ends it early with a valid last chunk, resets it, stalls it, and answers the resumed
# request with 503 (Retry-After) and 429. orka must resume after each: the numbers it printed are
# strictly consecutive (no line lost, none twice), and every fault really struck. A finished log
# (no -f) cut mid-body is resumed to its end. One line per check; exits non-zero on a failure.
# Uses $ORKA_BIN (else <build>/app/orka); assumes the cluster is up; makes and deletes its
# own namespace.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 240 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/fault_proxy.sh"

FOLLOWER=

fault_test_cleanup() { # rc
  local rc=$1
  [[ -n $FOLLOWER ]] && { kill -9 "$FOLLOWER"; wait "$FOLLOWER"; } 2>/dev/null
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics" >&2
    [[ -s $TMP/follow.err ]] && { echo "--- orka stderr" >&2; tail -20 "$TMP/follow.err" >&2; }
  fi
}

LINE_RE='^line \([0-9][0-9]*\)$'
numbers() { sed -n "s/$LINE_RE/\\1/p" "$1"; }
count_lines() { numbers "$1" | wc -l; }
# gaps FILE: "after N came M; " for every place the numbers are not consecutive.
gaps() { numbers "$1" | awk 'NR > 1 && $1 != prev + 1 { printf "after %d came %d; ", prev, $1 } { prev = $1 }'; }
struck() { [[ $(fault_struck "$1") -ge 1 ]]; }
orka_proxied() { "$ORKA" --kubeconfig "$FAULT_KUBECONFIG" -n "$NS" "$@"; }

fault_test_begin logs
# 5 lines a second: several lines share each second, so a resume (second precision) must skip
# the repeats it is sent again.
sed 's/sleep 0\.1 /sleep 0.2 /' "$FIX/log-spammer.yaml" >"$TMP/log-spammer.yaml"
kc -n "$NS" apply -f "$TMP/log-spammer.yaml" >/dev/null || fatal "apply log-spammer"
kc -n "$NS" rollout status deploy/log-spammer --timeout=120s >/dev/null || fatal "deploy/log-spammer not ready"
pod=$(kc -n "$NS" get pods -l app=log-spammer -o jsonpath='{.items[0].metadata.name}')
[[ -n $pod ]] || fatal "no log-spammer pod"

# ------------------------------------------------------------------ logs -f, one fault after another
# Every rule fires once, in order: each followed request (the first and every resume) meets the
# next fault. The container-state check between them (GET of the pod) meets a 500 once.
FOLLOW='/pods/[^/]+/log\\?.*follow=true'
fault_rules "$(cat <<EOF
{"rules": [
  {"name": "cut-mid-body", "match": {"method": "GET", "target": "$FOLLOW"}, "action": "cut", "after_bytes": 700},
  {"name": "pod-get-500", "match": {"method": "GET", "target": "/pods/$pod\$"}, "action": "respond", "status": 500},
  {"name": "truncate-mid-chunk", "match": {"method": "GET", "target": "$FOLLOW"}, "action": "truncate_chunked", "mode": "mid_chunk", "after_bytes": 500},
  {"name": "early-last-chunk", "match": {"method": "GET", "target": "$FOLLOW"}, "action": "truncate_chunked", "mode": "early_end", "after_bytes": 400},
  {"name": "503-retry-after", "match": {"method": "GET", "target": "$FOLLOW"}, "action": "respond", "status": 503, "retry_after": "1"},
  {"name": "reset-mid-body", "match": {"method": "GET", "target": "$FOLLOW"}, "action": "cut", "mode": "reset", "after_bytes": 400},
  {"name": "429-no-retry-after", "match": {"method": "GET", "target": "$FOLLOW"}, "action": "respond", "status": 429},
  {"name": "stall-then-close", "match": {"method": "GET", "target": "$FOLLOW"}, "action": "stall", "when": "body", "after_bytes": 300, "seconds": 3}
]}
EOF
)" || fatal "rules"
RULES=(cut-mid-body pod-get-500 truncate-mid-chunk early-last-chunk 503-retry-after reset-mid-body 429-no-retry-after stall-then-close)

# Started directly (not through a function, which would be a subshell) so SIGINT reaches orka.
"$ORKA" --kubeconfig "$FAULT_KUBECONFIG" -n "$NS" ops logs -f "$pod" >"$TMP/follow.out" 2>"$TMP/follow.err" &
FOLLOWER=$!
all_struck() { local r; for r in "${RULES[@]}"; do struck "$r" || return 1; done; }
if ! eventually 120 all_struck; then
  for r in "${RULES[@]}"; do struck "$r" || fail "the fault $r never struck"; done
fi
for r in "${RULES[@]}"; do struck "$r" && pass "fault $r struck the followed log"; done
# Lines after the last fault, to prove the stream is live again.
target=$(( $(count_lines "$TMP/follow.out") + 10 ))
more_than() { [[ $(count_lines "$TMP/follow.out") -ge $1 ]]; }
check "lines keep arriving after the last fault (beyond $target)" eventually 30 more_than "$target"
check "orka ops logs -f still runs after every fault" kill -0 "$FOLLOWER"
kill -INT "$FOLLOWER"
ended() { ! kill -0 "$FOLLOWER" 2>/dev/null; }
if eventually 15 ended; then
  wait "$FOLLOWER"; rc=$?
  check "SIGINT ends logs -f with 130 (got $rc)" test "$rc" -eq 130 -o "$rc" -eq 0
else
  fail "logs -f did not end within 15 s of SIGINT"
fi
FOLLOWER=
total=$(count_lines "$TMP/follow.out")
g=$(gaps "$TMP/follow.out")
check "only numbered lines on stdout" test "$(grep -cv "$LINE_RE" "$TMP/follow.out")" -eq 0
check "numbers strictly consecutive across 8 faults: none lost, none twice ($(numbers "$TMP/follow.out" | head -1)..$(numbers "$TMP/follow.out" | tail -1), $total lines)" \
  test -z "$g" -a "$total" -ge 40
[[ -n $g ]] && echo "  discontinuities: $g" >&2
check "the first printed line is line 1 (nothing lost before the first fault)" \
  test "$(numbers "$TMP/follow.out" | head -1)" = 1
n_follow=$(fault_requests | jq '[.[] | select(.target | test("follow=true"))] | length')
check "orka resumed with a new request after each fault ($n_follow followed requests >= 8)" test "$n_follow" -ge 8

# ------------------------------------------------------------------ logs without -f, cut mid-body
fault_rules "$(cat <<EOF
{"rules": [
  {"name": "cut-finished-log", "match": {"method": "GET", "target": "/pods/[^/]+/log\\\\?"}, "action": "cut", "after_bytes": 1500}
]}
EOF
)" || fatal "rules"
before=$(kc -n "$NS" logs "$pod" | grep -c '^line ')
orka_proxied ops logs "$pod" >"$TMP/whole.out" 2>"$TMP/whole.err"
rc=$?
check "logs (no -f) cut mid-body exits 0 (got $rc)" test "$rc" -eq 0
check "the cut struck the finished log" struck cut-finished-log
g=$(gaps "$TMP/whole.out")
check "the finished log resumed past the cut to its end: lines 1..$(numbers "$TMP/whole.out" | tail -1) consecutive, at least the $before lines kubectl saw before" \
  test -z "$g" -a "$(numbers "$TMP/whole.out" | head -1)" = 1 -a "$(count_lines "$TMP/whole.out")" -ge "$before"

# ------------------------------------------------------------------ a bearer token through the proxy
fault_clear
"$ORKA" --kubeconfig "$FAULT_RESTRICTED_KUBECONFIG" -n "$NS" ops logs "$pod" >"$TMP/r.out" 2>"$TMP/r.err"
rc=$?
check "the restricted user's token reaches the API server through the proxy: forbidden in $NS (exit $rc)" \
  bash -c '[[ $1 == 1 ]] && grep -qi "forbidden" "$2" && grep -q "orka-restricted" "$2"' _ "$rc" "$TMP/r.err"

[[ $FAILED == 0 ]] && echo "all fault-proxy log checks passed"
exit "$FAILED"
