#!/usr/bin/env bash
# Integration test: `orka ops exec` through the fault proxy (docs/fault-proxy.md), over WebSocket
# and over SPDY. The session is cut before the remote command's status arrives: in the middle of
# a frame carrying output, with a frame header promising bytes that never come, by a TCP reset,
# and by a clean end (a WebSocket Close frame / the SPDY error stream finished) without any
# status. Each must end with a clear error and exit 1, never 0, and well before the command
# would have finished. An upgrade answered 503, or with a hostile body (oversized, with
# terminal escapes, or with an overflowing chunk size), is a bounded, escaped error, exit 1.
# One line per check; exits non-zero on a failure. Uses $ORKA_BIN (else <build>/app/orka);
# assumes the cluster is up; makes and deletes its own namespace.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 240 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/fault_proxy.sh"

fault_test_begin exec
kc -n "$NS" run sleeper --image=orka/busybox:latest --image-pull-policy=Never --restart=Never \
  -- sleep 3600 >/dev/null || fatal "create pod sleeper"
kc -n "$NS" wait --for=condition=Ready pod/sleeper --timeout=120s >/dev/null || fatal "pod sleeper not ready"

EXEC='/pods/sleeper/exec\\?'
# A command that prints, then sleeps far longer than any check waits: only a cut ends it early.
SCRIPT='echo tick 1; sleep 1; echo tick 2; sleep 40; echo tick 3'

# run_exec NAME TRANSPORT: orka exec through the proxy (bounded), stdout/stderr/rc/seconds in $TMP.
run_exec() {
  local name=$1 transport=$2 t0=$SECONDS
  timeout --kill-after=5 30 "$ORKA" --kubeconfig "$FAULT_KUBECONFIG" -n "$NS" ops exec sleeper \
    --transport "$transport" -- sh -c "$SCRIPT" >"$TMP/$name.out" 2>"$TMP/$name.err"
  echo $? >"$TMP/$name.rc"
  echo $((SECONDS - t0)) >"$TMP/$name.secs"
}
# expect_cut NAME TRANSPORT WHAT RULE: exit 1, within 25 s, a named error, the rule struck.
expect_cut() {
  local name=$1 transport=$2 what=$3 rule=$4 rc secs
  rc=$(cat "$TMP/$name.rc"); secs=$(cat "$TMP/$name.secs")
  check "exec over $transport, $what: exit 1, not 0 (got $rc, after ${secs}s)" test "$rc" -eq 1 -a "$secs" -lt 25
  check "exec over $transport, $what: the fault struck" test "$(fault_struck "$rule")" -ge 1
  check "exec over $transport, $what: 'error:' says the session broke before the command finished ($(head -c 200 "$TMP/$name.err" | tr '\n' ' '))" \
    grep -qiE '^error: .*(broke|ended|closed).*before' "$TMP/$name.err"
  check "exec over $transport, $what: the output before the cut was delivered" grep -qx 'tick 1' "$TMP/$name.out"
  check "exec over $transport, $what: nothing after the cut" lacks "$TMP/$name.out" 'tick 3'
}

for transport in websocket spdy; do
  # The frame that carries "tick 2" is cut in half, then the connection ends (TCP FIN, no TLS
  # close_notify: what a dying server leaves).
  fault_rules "{\"rules\": [{\"name\": \"mid-frame-$transport\", \"match\": {\"target\": \"$EXEC\", \"upgrade\": true},
    \"action\": \"close_session\", \"in_frame_containing\": \"tick 2\"}]}" || fatal rules
  run_exec "mid-frame-$transport" "$transport"
  expect_cut "mid-frame-$transport" "$transport" "cut in the middle of an output frame" "mid-frame-$transport"
  check "exec over $transport, cut mid-frame: tick 2 (in the cut frame) never printed" lacks "$TMP/mid-frame-$transport.out" 'tick 2'

  # 3 s in, while the command sleeps: a frame header promising 4 KiB that never follow.
  fault_rules "{\"rules\": [{\"name\": \"partial-header-$transport\", \"match\": {\"target\": \"$EXEC\", \"upgrade\": true},
    \"action\": \"close_session\", \"after_seconds\": 3}]}" || fatal rules
  run_exec "partial-header-$transport" "$transport"
  expect_cut "partial-header-$transport" "$transport" "a frame header and no payload" "partial-header-$transport"

  # A TCP reset 3 s in.
  fault_rules "{\"rules\": [{\"name\": \"reset-$transport\", \"match\": {\"target\": \"$EXEC\", \"upgrade\": true},
    \"action\": \"close_session\", \"after_seconds\": 3, \"mode\": \"reset\"}]}" || fatal rules
  run_exec "reset-$transport" "$transport"
  expect_cut "reset-$transport" "$transport" "a TCP reset" "reset-$transport"

  # A clean end of the session without the status the kubelet always sends (v4 protocol).
  fault_rules "{\"rules\": [{\"name\": \"clean-end-$transport\", \"match\": {\"target\": \"$EXEC\", \"upgrade\": true},
    \"action\": \"close_session\", \"after_seconds\": 3, \"mode\": \"clean_end\"}]}" || fatal rules
  run_exec "clean-end-$transport" "$transport"
  expect_cut "clean-end-$transport" "$transport" "a clean close without an exit status" "clean-end-$transport"
done

# ------------------------------------------------------------------ hostile answers to the upgrade
# run_refused NAME RULE-JSON: exec (auto transport) against an upgrade the proxy answers itself.
run_refused() {
  local name=$1 t0=$SECONDS
  fault_rules "{\"rules\": [$2]}" || fatal rules
  timeout --kill-after=5 40 "$ORKA" --kubeconfig "$FAULT_KUBECONFIG" -n "$NS" ops exec sleeper \
    -- echo never >"$TMP/$name.out" 2>"$TMP/$name.err"
  echo $? >"$TMP/$name.rc"
  echo $((SECONDS - t0)) >"$TMP/$name.secs"
}
esc=$'\e'  # in the JSON rules below it is written \u001b
run_refused 503 "{\"name\": \"upgrade-503\", \"match\": {\"target\": \"$EXEC\", \"upgrade\": true}, \"action\": \"respond\", \"status\": 503, \"times\": -1}"
check "upgrade answered 503: exit 1 (got $(cat "$TMP/503.rc"))" test "$(cat "$TMP/503.rc")" -eq 1
check "upgrade answered 503: the message names the status ($(head -c 200 "$TMP/503.err" | tr '\n' ' '))" grep -qE '503|[Uu]navailable' "$TMP/503.err"
check "upgrade answered 503: the command did not run" lacks "$TMP/503.out" never

# 300 KiB of a Status message full of terminal escapes: more than orka reads of a refusal.
run_refused big-body "{\"name\": \"upgrade-big-body\", \"match\": {\"target\": \"$EXEC\", \"upgrade\": true}, \"action\": \"respond\",
  \"status\": 500, \"body\": \"\\u001b[2J\\u001b]0;owned\\u0007 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", \"repeat\": 5000, \"times\": -1}"
check "upgrade answered with a 300 KiB body: exit 1 (got $(cat "$TMP/big-body.rc"))" test "$(cat "$TMP/big-body.rc")" -eq 1
check "upgrade answered with a 300 KiB body: the error is bounded ($(wc -c <"$TMP/big-body.err") bytes of stderr)" \
  test "$(wc -c <"$TMP/big-body.err")" -lt 20000 -a "$(wc -c <"$TMP/big-body.err")" -gt 10
check "upgrade answered with terminal escapes: none reaches the terminal" lacks "$TMP/big-body.err" "$esc"

run_refused chunk-overflow "{\"name\": \"upgrade-chunk-overflow\", \"match\": {\"target\": \"$EXEC\", \"upgrade\": true}, \"action\": \"respond\",
  \"status\": 403, \"body\": \"x\", \"framing\": \"chunked\", \"chunk_size_line\": \"ffffffffffffffec\", \"times\": -1}"
check "upgrade answered with an overflowing chunk size: exit 1 (got $(cat "$TMP/chunk-overflow.rc"))" test "$(cat "$TMP/chunk-overflow.rc")" -eq 1
check "upgrade answered with an overflowing chunk size: says so ($(head -c 200 "$TMP/chunk-overflow.err" | tr '\n' ' '))" \
  grep -qi 'chunk' "$TMP/chunk-overflow.err"

# A body that stops coming: the upgrade's answer has 30 s in all (docs/limits.md).
run_refused stalled-body "{\"name\": \"upgrade-stalled-body\", \"match\": {\"target\": \"$EXEC\", \"upgrade\": true}, \"action\": \"respond\",
  \"status\": 500, \"body\": \"{\\\"kind\\\":\\\"Status\\\"\", \"headers\": {\"Content-Length\": \"5000\"}, \"framing\": \"none\", \"then_stall\": true, \"times\": -1}"
secs=$(cat "$TMP/stalled-body.secs")
check "upgrade answer that stalls mid-body: exit 1 within the 30 s handshake limit (got $(cat "$TMP/stalled-body.rc") after ${secs}s)" \
  test "$(cat "$TMP/stalled-body.rc")" -eq 1 -a "$secs" -le 36
check "upgrade answer that stalls mid-body: a timeout is named ($(head -c 200 "$TMP/stalled-body.err" | tr '\n' ' '))" \
  grep -qE 'timed out waiting for the whole answer to the (WebSocket|SPDY/3.1) upgrade \(30 s\)' "$TMP/stalled-body.err"

# ------------------------------------------------------------------ and without faults, exit codes hold
fault_clear
for transport in websocket spdy; do
  timeout 30 "$ORKA" --kubeconfig "$FAULT_KUBECONFIG" -n "$NS" ops exec sleeper --transport "$transport" -- sh -c 'echo ok; exit 7' >"$TMP/ok.out" 2>&1
  rc=$?
  check "exec over $transport through the proxy, no fault: the remote exit code 7 (got $rc)" test "$rc" -eq 7
done

[[ $FAILED == 0 ]] && echo "all fault-proxy exec checks passed"
exit "$FAILED"
