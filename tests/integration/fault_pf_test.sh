#!/usr/bin/env bash
# Integration test: `orka ops pf` through the fault proxy (docs/fault-proxy.md), over WebSocket and
# over SPDY. While a forward runs, the proxy cuts a session in the middle of the frame carrying
# a response, resets one, answers the next upgrade 503, answers one with a hostile body, and cuts
# connections idle for 2 s. After each fault the forward must keep serving new connections (the
# same `orka ops pf` process, every later request answered in full) and say what failed.
# One line per check; exits non-zero on a failure. Uses $ORKA_BIN (else <build>/app/orka);
# assumes the cluster is up; makes and deletes its own namespace.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 180 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/fault_proxy.sh"

fault_test_cleanup() { # rc
  local rc=$1
  stop_forward
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    for f in "$TMP"/pf-*.err; do [[ -s $f ]] && { echo "--- $f" >&2; tail -15 "$f" >&2; }; done
  fi
}

fault_test_begin pf
kc -n "$NS" apply -f "$FIX/web.yaml" >/dev/null || fatal "apply web"
kc -n "$NS" rollout status deploy/web --timeout=120s >/dev/null || fatal "deploy/web not ready"

PF='/pods/web-[^/]+/portforward'
# fetch PORT: one HTTP request through the forward; prints the page.
fetch() { curl -sS --max-time 10 "http://127.0.0.1:$1/"; }
# serves PORT N: N requests in a row, each answered in full.
serves() {
  local i
  for ((i = 0; i < $2; i++)); do [[ $(fetch "$1" 2>/dev/null) == "hello from web-"* ]] || return 1; done
}

for transport in websocket spdy; do
  fault_clear
  err=$TMP/pf-$transport.err
  fault_forward_start "pf-$transport" deploy/web :8080 --transport "$transport" -v ||
    { fail "pf over $transport printed no 'Forwarding from' line"; stop_forward; continue; }
  port=$FORWARD_PORT
  check "pf over $transport: serves through the proxy before any fault" serves "$port" 3

  # fresh_session: over SPDY, the forward's shared session ends now, so the next local
  # connection makes a new upgrade (which the next rule meets); a WebSocket forward makes one
  # per local connection anyway.
  fresh_session() { [[ $transport == spdy ]] && fault_cut_sessions >/dev/null; return 0; }
  # rule NAME JSON-FIELDS: one fault for the next port-forward upgrade (and what it carries).
  rule() { fault_rules "{\"rules\": [{\"name\": \"$1\", \"match\": {\"target\": \"$PF\", \"upgrade\": true}, $2}]}" || fatal rules; }
  # after_fault NAME WHAT: the fault struck, the forward lives on and serves 5 new connections.
  after_fault() {
    check "pf over $transport, $2: the fault struck" test "$(fault_struck "$1")" -ge 1
    check "pf over $transport, $2: orka ops pf still runs" kill -0 "$FORWARD"
    check "pf over $transport, $2: the next 5 connections are served in full" serves "$port" 5
  }

  # The session is cut in half inside the frame that carries the page. For SPDY that is the
  # shared connection of the forward: the next local connection needs a new one.
  rule "mid-frame-$transport" '"action": "close_session", "in_frame_containing": "hello from"'
  fresh_session
  out=$(fetch "$port" 2>&1)
  check "pf over $transport, cut mid-frame: that connection does not get the page ($(head -c 100 <<<"$out"))" \
    bash -c '[[ $1 != *"hello from"* ]]' _ "$out"
  after_fault "mid-frame-$transport" "session cut mid-frame"

  # A reset while a session is open. A WebSocket forward opens one session per local connection,
  # so a local connection is held open while the reset comes; over SPDY the forward's shared
  # session is reset.
  rule "reset-$transport" '"action": "close_session", "after_seconds": 1, "mode": "reset"'
  fresh_session
  exec {held}<>/dev/tcp/127.0.0.1/"$port"
  sleep 2
  exec {held}>&-
  after_fault "reset-$transport" "session reset"

  # The next upgrade is refused with 503; that connection fails, the forward does not.
  rule "upgrade-503-$transport" '"action": "respond", "status": 503, "retry_after": "1"'
  fresh_session
  fetch "$port" >/dev/null 2>&1
  after_fault "upgrade-503-$transport" "upgrade answered 503"

  # A hostile refusal: 200 KiB of body with terminal escapes.
  rule "hostile-$transport" "\"action\": \"respond\", \"status\": 500, \"body\": \"\\u001b[2J\\u001b]0;owned\\u0007AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", \"repeat\": 3300"
  fresh_session
  fetch "$port" >/dev/null 2>&1
  after_fault "hostile-$transport" "upgrade answered with a hostile body"
  check "pf over $transport: no terminal escape from the hostile body reached the output" \
    bash -c '! grep -q $'"'"'\e'"'"' "$1" "$2"' _ "$TMP/pf-$transport.out" "$err"
  check "pf over $transport: the failed connections are reported ('error: connection')" \
    grep -q 'error: connection' "$TMP/pf-$transport.out" "$err"

  # Connections idle for 2 s are cut by the proxy; the forward serves new ones afterwards.
  fault_rules '{"idle_timeout": 2, "rules": []}' || fatal rules
  fetch "$port" >/dev/null 2>&1
  sleep 3.5
  check "pf over $transport, idle connections cut after 2 s: orka ops pf still runs" kill -0 "$FORWARD"
  check "pf over $transport, idle connections cut after 2 s: the next 3 connections are served" serves "$port" 3
  stop_forward
done

[[ $FAILED == 0 ]] && echo "all fault-proxy port-forward checks passed"
exit "$FAILED"
