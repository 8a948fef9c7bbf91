# shellcheck shell=bash
# Sourced after lib/env.sh by the tests that put tests/fault_proxy/fault_proxy.py between orka
# and the cluster's API server (docs/fault-proxy.md).
#   fault_proxy_start DIR   serving certificate from the cluster CA, the proxy, and two
#                           kubeconfigs through it: $FAULT_KUBECONFIG (admin, client
#                           certificate) and $FAULT_RESTRICTED_KUBECONFIG (bearer token)
#   fault_rules JSON        replaces the rules ({"idle_timeout": N, "rules": [...]})
#   fault_struck NAME       how many times the rule NAME really struck
#   fault_requests          the requests the proxy saw, JSON
#   fault_proxy_stop        ends the proxy
#   fault_test_begin NAME   a fault test's start: NS (orka-it-fault-NAME-PID) and TMP, the
#                           EXIT trap (the test's own fault_test_cleanup RC first, when it
#                           defines one, then fault_test_end), the namespace and the proxy
#   fault_test_end RC       the end of a fault test's EXIT trap, after its own clean-up: on a
#                           failure the proxy's rule statistics and log, then the proxy stopped
#                           and finish_test (lib/bounded.sh)
#   fault_forward_start NAME ARGS...
#                           `orka ops pf ARGS...` in the background through the proxy, in $NS,
#                           output in $TMP/NAME.out and .err; sets FORWARD (its pid) and
#                           FORWARD_PORT (its first local port) once it listens (30 s at most)
#   stop_forward            ends that forward (Ctrl-C, then SIGKILL after 5 s)

FAULT_PROXY_PID=
FAULT_PROXY_CONTROL=
FAULT_PROXY_PORT=

fault_proxy_start() {
  local dir=$1 pki=$CLUSTER_DIR/pki i
  mkdir -p "$dir"
  # A serving certificate for 127.0.0.1 signed by the cluster CA, so orka verifies the proxy
  # exactly as it verifies the API server. A random serial: the CA's serial file is the
  # cluster's, not the tests'.
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/proxy.ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/proxy.key" -subj /CN=orka-fault-proxy \
    -out "$dir/proxy.csr" >/dev/null 2>&1 || { echo "FAIL: openssl req for the fault proxy" >&2; return 1; }
  openssl x509 -req -in "$dir/proxy.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
    -set_serial "0x$(openssl rand -hex 12)" -days 2 -sha256 -extfile "$dir/proxy.ext" \
    -out "$dir/proxy.crt" >/dev/null 2>&1 || { echo "FAIL: signing the fault proxy's certificate" >&2; return 1; }
  python3 "$ROOT/tests/fault_proxy/fault_proxy.py" --upstream https://127.0.0.1:6443 \
    --ca "$pki/ca.crt" --cert "$dir/proxy.crt" --key "$dir/proxy.key" \
    --identity "$pki/admin.crt:$pki/admin.key" --state-dir "$dir" >"$dir/proxy.log" 2>&1 &
  FAULT_PROXY_PID=$!
  for ((i = 0; i < 100; i++)); do
    [[ -s $dir/port ]] && break
    kill -0 "$FAULT_PROXY_PID" 2>/dev/null || break
    sleep 0.1
  done
  [[ -s $dir/port ]] || { echo "FAIL: the fault proxy did not start:" >&2; cat "$dir/proxy.log" >&2; return 1; }
  FAULT_PROXY_PORT=$(cat "$dir/port")
  FAULT_PROXY_CONTROL=http://127.0.0.1:$(cat "$dir/control-port")
  FAULT_KUBECONFIG=$dir/admin.kubeconfig
  FAULT_RESTRICTED_KUBECONFIG=$dir/restricted.kubeconfig
  sed "s#server: https://127.0.0.1:6443#server: https://127.0.0.1:$FAULT_PROXY_PORT#" \
    "$CLUSTER_DIR/admin.kubeconfig" >"$FAULT_KUBECONFIG"
  sed "s#server: https://127.0.0.1:6443#server: https://127.0.0.1:$FAULT_PROXY_PORT#" \
    "$RESTRICTED_KUBECONFIG" >"$FAULT_RESTRICTED_KUBECONFIG"
  chmod 600 "$FAULT_KUBECONFIG" "$FAULT_RESTRICTED_KUBECONFIG"
  grep -q "127.0.0.1:$FAULT_PROXY_PORT" "$FAULT_KUBECONFIG" ||
    { echo "FAIL: no server line to point at the proxy in $CLUSTER_DIR/admin.kubeconfig" >&2; return 1; }
  echo "fault proxy: https://127.0.0.1:$FAULT_PROXY_PORT (control $FAULT_PROXY_CONTROL)"
}

fault_rules() {
  local answer
  answer=$(curl -sS --max-time 5 -X PUT --data-binary "$1" -w '\n%{http_code}' "$FAULT_PROXY_CONTROL/rules") ||
    { echo "FAIL: the fault proxy's control port did not answer" >&2; return 1; }
  [[ ${answer##*$'\n'} == 200 ]] || { echo "FAIL: rules refused: ${answer%$'\n'*}" >&2; return 1; }
}

fault_clear() { fault_rules '{"rules": []}'; }

fault_struck() {
  curl -sS --max-time 5 "$FAULT_PROXY_CONTROL/stats" |
    jq -r --arg n "$1" '[.rules[] | select(.name == $n) | .struck] | add // 0'
}

fault_requests() { curl -sS --max-time 5 "$FAULT_PROXY_CONTROL/requests"; }

FORWARD=
FORWARD_PORT=

fault_forward_start() {
  local name=$1 i
  shift
  "$ORKA" --kubeconfig "$FAULT_KUBECONFIG" -n "$NS" ops pf "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  FORWARD=$!
  FORWARD_PORT=
  for ((i = 0; i < 300; i++)); do
    FORWARD_PORT=$(sed -nE 's/^Forwarding from 127\.0\.0\.1:([0-9]+) .*/\1/p' "$TMP/$name.out" | head -1)
    [[ -n $FORWARD_PORT ]] && return 0
    kill -0 "$FORWARD" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

stop_forward() {
  [[ -n $FORWARD ]] || return 0
  kill -INT "$FORWARD" 2>/dev/null
  local i
  for ((i = 0; i < 50; i++)); do kill -0 "$FORWARD" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$FORWARD" 2>/dev/null
  wait "$FORWARD" 2>/dev/null
  FORWARD=
}

fault_proxy_stop() {
  [[ -n $FAULT_PROXY_PID ]] || return 0
  kill "$FAULT_PROXY_PID" 2>/dev/null && wait "$FAULT_PROXY_PID" 2>/dev/null
  FAULT_PROXY_PID=
  return 0
}

# Ends every WebSocket or SPDY session the proxy relays now (a port-forward's shared SPDY
# connection, so that the next local connection needs a new upgrade); prints how many.
fault_cut_sessions() { curl -sS --max-time 15 -X POST "$FAULT_PROXY_CONTROL/cut-sessions" | jq -r .cut; }

fault_test_begin() {
  NS=orka-it-fault-$1-$$
  TMP=$(mktemp -d)
  trap 'fault_test_exit $?' EXIT
  trap 'exit 130' INT TERM
  create_test_namespace "$NS"
  fault_proxy_start "$TMP/proxy" || fatal "fault proxy"
}

fault_test_exit() {
  local rc=$1
  if declare -F fault_test_cleanup >/dev/null; then fault_test_cleanup "$rc"; fi
  fault_test_end "$rc"
}

fault_test_end() {
  local rc=$1
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    [[ -n $FAULT_PROXY_CONTROL ]] && { curl -sS --max-time 5 "$FAULT_PROXY_CONTROL/stats" >&2; echo >&2; }
    [[ -s $TMP/proxy/proxy.log ]] && tail -20 "$TMP/proxy/proxy.log" >&2
  fi
  fault_proxy_stop
  finish_test "$rc"
}
