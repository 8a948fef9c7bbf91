#!/usr/bin/env bash
# Integration test: idle-proof streams (docs/imperative-ops.md, "Keepalive"). The fault proxy
# (docs/fault-proxy.md) cuts every connection that carries no byte either way for 3 s, as an
# idle-timeout load balancer does. With `--keepalive 1s`, a port-forward (over WebSocket and over
# SPDY) holding a local connection idle for 12 s, and an `exec -i` session waiting 12 s for its
# input, survive and still work afterwards: the held connection gets its page, the command gets
# its line and exits 0. With `--keepalive 0` the same idle connections are cut, and that is
# reported as a failure: pf prints "error: connection N ..." (and serves the next connection),
# exec exits 1 with an error, never 0.
# One line per check; exits non-zero on a failure. Uses $ORKA_BIN (else <build>/app/orka);
# assumes the cluster is up; makes and deletes its own namespace.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 300 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/fault_proxy.sh"

IDLE_CUT=3  # seconds without a byte before the proxy cuts a connection
# How long the tests stay idle: several cuts' worth, and longer than the 10 s after which
# unanswered keepalive pings count as dead, so surviving also shows the server answers them.
IDLE_WAIT=12
EXEC_PID=

fault_test_cleanup() { # rc
  local rc=$1
  stop_forward
  [[ -n $EXEC_PID ]] && kill -9 "$EXEC_PID" 2>/dev/null
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    for f in "$TMP"/*.err; do [[ -s $f ]] && { echo "--- $f" >&2; tail -15 "$f" >&2; }; done
  fi
}

fault_test_begin keepalive
kc -n "$NS" apply -f "$FIX/web.yaml" >/dev/null || fatal "apply web"
kc -n "$NS" run reader --image=orka/busybox:latest --image-pull-policy=Never --restart=Never \
  -- sleep 3600 >/dev/null || fatal "create pod reader"
kc -n "$NS" rollout status deploy/web --timeout=120s >/dev/null || fatal "deploy/web not ready"
kc -n "$NS" wait --for=condition=Ready pod/reader --timeout=120s >/dev/null || fatal "pod reader not ready"
fault_rules "{\"idle_timeout\": $IDLE_CUT, \"rules\": []}" || fatal rules

# ------------------------------------------------------------------------------------ port-forward
# held_fetch PORT OUT: opens a local connection, leaves it idle for IDLE_WAIT s, then asks for
# the page on it; what came back is in OUT.
held_fetch() {
  local port=$1 out=$2 held
  exec {held}<>"/dev/tcp/127.0.0.1/$port" || { : >"$out"; return 1; }
  sleep "$IDLE_WAIT"
  # In a subshell: on a connection pf already closed, the write's SIGPIPE ends only that.
  (printf 'GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n' >&"$held") 2>/dev/null
  timeout 10 cat <&"$held" >"$out" 2>/dev/null
  exec {held}>&-
  return 0
}

for transport in websocket spdy; do
  for keepalive in 1s 0; do
    name=pf-$transport-$keepalive
    fault_forward_start "$name" deploy/web :8080 --transport "$transport" --keepalive "$keepalive" -v ||
      { fail "pf over $transport printed no 'Forwarding from' line"; stop_forward; continue; }
    port=$FORWARD_PORT
    check "pf over $transport, --keepalive $keepalive: serves through the proxy" \
      bash -c '[[ $(curl -sS --max-time 10 "http://127.0.0.1:$1/") == "hello from web-"* ]]' _ "$port"
    held_fetch "$port" "$TMP/$name.page"
    if [[ $keepalive == 1s ]]; then
      check "pf over $transport, --keepalive 1s: the log says the keepalive interval" \
        grep -q 'pf: keepalive ping every 1s' "$TMP/$name.err"
      check "pf over $transport, --keepalive 1s: a connection idle for ${IDLE_WAIT}s (cut after ${IDLE_CUT}s) still gets its page" \
        grep -q 'hello from web-' "$TMP/$name.page"
      check "pf over $transport, --keepalive 1s: no connection failed" lacks "$TMP/$name.err" 'error: connection'
    else
      check "pf over $transport, --keepalive 0: the idle connection was cut (no page on it)" \
        lacks "$TMP/$name.page" 'hello from web-'
      check "pf over $transport, --keepalive 0: the cut is reported as a failed connection ($(grep -m1 'error: connection' "$TMP/$name.err"))" \
        grep -q '^error: connection [0-9]* for port' "$TMP/$name.err"
      check "pf over $transport, --keepalive 0: orka ops pf still runs and serves a new connection" \
        bash -c 'kill -0 "$2" && [[ $(curl -sS --max-time 10 "http://127.0.0.1:$1/") == "hello from web-"* ]]' _ "$port" "$FORWARD"
    fi
    stop_forward
  done
done

# ------------------------------------------------------------------------------------- exec -i
# The command waits for one line of input; the line comes after IDLE_WAIT quiet seconds.
for transport in websocket spdy; do
  for keepalive in 1s 0; do
    name=exec-$transport-$keepalive
    rm -f "$TMP/$name.in"
    mkfifo "$TMP/$name.in"
    exec {writer}<>"$TMP/$name.in"  # a writer that does not block, kept until the line is sent
    t0=$SECONDS
    timeout --kill-after=5 60 "$ORKA" --kubeconfig "$FAULT_KUBECONFIG" -n "$NS" ops exec reader -i \
      --transport "$transport" --keepalive "$keepalive" -v -- sh -c 'read line; echo "got $line"' \
      <"$TMP/$name.in" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    EXEC_PID=$!
    sleep "$IDLE_WAIT"
    (echo "hello after $IDLE_WAIT quiet seconds" >&"$writer") 2>/dev/null
    wait "$EXEC_PID"
    rc=$?
    EXEC_PID=
    exec {writer}>&-
    secs=$((SECONDS - t0))
    if [[ $keepalive == 1s ]]; then
      check "exec -i over $transport, --keepalive 1s: idle ${IDLE_WAIT}s (cut after ${IDLE_CUT}s), then exit 0 (got $rc after ${secs}s)" \
        test "$rc" -eq 0
      check "exec -i over $transport, --keepalive 1s: the command got the line sent after the quiet" \
        grep -qx "got hello after $IDLE_WAIT quiet seconds" "$TMP/$name.out"
      check "exec -i over $transport, --keepalive 1s: the log says the keepalive interval" \
        grep -q 'exec: keepalive ping every 1s' "$TMP/$name.err"
    else
      check "exec -i over $transport, --keepalive 0: the cut is a failure, exit 1, not 0 (got $rc after ${secs}s)" \
        test "$rc" -eq 1
      check "exec -i over $transport, --keepalive 0: 'error:' says the session broke ($(grep -m1 '^error:' "$TMP/$name.err"))" \
        grep -qiE '^error: .*(broke|ended|closed)' "$TMP/$name.err"
      check "exec -i over $transport, --keepalive 0: the command never got the line" lacks "$TMP/$name.out" 'got hello'
    fi
  done
done

check "--keepalive takes durations only: 'soon' is a usage error (exit 2) naming the flag" \
  bash -c '"$1" ops exec reader --keepalive soon -- true 2>"$2"; [[ $? == 2 ]] && grep -q -- "--keepalive" "$2"' _ "$ORKA" "$TMP/bad-flag.err"

[[ $FAILED == 0 ]] && echo "all keepalive checks passed"
exit "$FAILED"
