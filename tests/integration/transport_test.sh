#!/usr/bin/env bash
# Integration test of exec and pf over each stream transport (--transport websocket|spdy|auto)
# on the test cluster (issue 5): large stdin to a command that reads to EOF, binary round trips,
# exit codes, stderr routing, TTY size and resize, HTTP through a forward, 200 concurrent
# connections, and one connection's reset leaving the others (and the forward) working.
# One line per check ("ok - ..." / "FAIL - ..." / "skip - ... (why)"), then "N passed, M failed";
# exits non-zero when any check failed.
# Uses $ORKA_BIN, else <build>/app/orka ($ORKA_BUILD_DIR, else ./build). Assumes the cluster is
# up (tests/integration/run.sh brings it up and exports KUBECONFIG and KUBECTL; standalone, the
# kubeconfig comes from scripts/cluster env). Makes and deletes its own namespace.
# ORKA_TRANSPORTS="spdy auto" limits the transports tried (default: websocket spdy auto).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/stream_checks.sh"
require_orka
TRANSPORTS=${ORKA_TRANSPORTS:-websocket spdy auto}

NS=orka-transport-$$
BG_PIDS=()
TMP=$(mktemp -d)
STARTED=$SECONDS

BIG_SIZE=104857600    # exec stdin: 100 MiB
BLOB_SIZE=5242880     # exec cat round trip: 5 MiB
FILE_SIZE=50331648    # big.bin served by deploy/files (fixture): 48 MiB

kc() { timeout 60 "$KUBECTL_BIN" --request-timeout=30s -n "$NS" "$@"; }
# run_orka SECONDS args...: orka in the test namespace; a hang becomes exit 124 instead of a stall.
run_orka() { local limit=$1; shift; timeout --kill-after=5 "$limit" "$ORKA" -n "$NS" "$@"; }

trap 'end_stream_test $?' EXIT

echo "orka: $ORKA; kubectl: $KUBECTL_BIN; namespace $NS; transports: $TRANSPORTS"
timeout 60 "$KUBECTL_BIN" create namespace "$NS" >/dev/null || fatal "create namespace $NS"
has_token() { [[ -n $(kc get serviceaccount default -o jsonpath='{.secrets[0].name}' 2>/dev/null) ]]; }
wait_for 60 has_token || fatal "no service-account token in $NS"
kc apply -f "$FIX/transport-pods.yaml" >/dev/null || fatal "apply transport-pods.yaml"

# Local data while the pods start.
head -c "$BIG_SIZE" /dev/urandom >"$TMP/big"
BIG_SHA=$(sha256sum <"$TMP/big" | cut -d' ' -f1)
head -c "$BLOB_SIZE" /dev/urandom >"$TMP/blob"

kc wait --for=condition=Ready pod/shell --timeout=120s >/dev/null || fatal "pod shell not ready"
kc rollout status deploy/files --timeout=120s >/dev/null || fatal "deploy/files not ready"
FILES_POD=$(kc get pods -l app=files -o jsonpath='{.items[0].metadata.name}')
SMALL_TEXT="transport ok from $FILES_POD"
FILE_SHA=$(kc exec "$FILES_POD" -- sha256sum /tmp/www/big.bin | cut -d' ' -f1)
[[ -n $FILE_SHA ]] || fatal "sha256 of big.bin in $FILES_POD"

# The wire form exec reports at -v for a --transport value ("exec: using <wire> (<protocol>)").
expected_wire() {
  case $1 in
    websocket) echo "WebSocket" ;;
    spdy) echo "SPDY/3.1" ;;
    *) echo "" ;;
  esac
}

# ---------------------------------------------------------------------------- exec
exec_checks() {
  local t=$1 rc got t0 want_wire out
  want_wire=$(expected_wire "$t")

  # 100 MiB of stdin into a command that reads to EOF: only a transport that can close stdin
  # lets it end. The v4.channel.k8s.io WebSocket protocol (all this 1.20 cluster has) cannot.
  if [[ $t == websocket ]]; then
    skip "exec[$t]: 100 MiB into sha256sum ending by itself (v4 WebSocket has no stdin EOF; v5 needs >= 1.30, this cluster is 1.20)"
    t0=$(now)
    run_orka 120 ops exec -q -i shell --transport "$t" -- sh -c "head -c $BIG_SIZE | sha256sum" \
      <"$TMP/big" >"$TMP/exec.out" 2>"$TMP/exec.err"
    rc=$?
    got=$(cut -d' ' -f1 "$TMP/exec.out")
    check "exec[$t]: 100 MiB through stdin into head -c | sha256sum matches (rc $rc, $(since "$t0")s)" \
      test "$rc" -eq 0 -a "$got" = "$BIG_SHA" || show "$TMP/exec.err"
  else
    t0=$(now)
    run_orka 120 ops exec -q -i shell --transport "$t" -- sha256sum \
      <"$TMP/big" >"$TMP/exec.out" 2>"$TMP/exec.err"
    rc=$?
    got=$(cut -d' ' -f1 "$TMP/exec.out")
    check "exec[$t]: 100 MiB through stdin into sha256sum matches and ends by itself (rc $rc, $(since "$t0")s)" \
      test "$rc" -eq 0 -a "$got" = "$BIG_SHA" || show "$TMP/exec.err"
  fi

  # Binary round trip: every byte value, both directions on one connection.
  if [[ $t == websocket ]]; then
    skip "exec[$t]: cat round trip to EOF (v4 WebSocket cannot end stdin; head -c instead)"
    run_orka 60 ops exec -q -i shell --transport "$t" -- head -c "$BLOB_SIZE" \
      <"$TMP/blob" >"$TMP/blob.back" 2>"$TMP/exec.err"
    rc=$?
    check "exec[$t]: 5 MiB of random bytes round trip through head -c (rc $rc)" \
      bash -c '[[ $1 == 0 ]] && cmp -s "$2" "$3"' _ "$rc" "$TMP/blob" "$TMP/blob.back" || show "$TMP/exec.err"
  else
    run_orka 60 ops exec -q -i shell --transport "$t" -- cat \
      <"$TMP/blob" >"$TMP/blob.back" 2>"$TMP/exec.err"
    rc=$?
    check "exec[$t]: 5 MiB of random bytes round trip through cat, which ends at EOF (rc $rc)" \
      bash -c '[[ $1 == 0 ]] && cmp -s "$2" "$3"' _ "$rc" "$TMP/blob" "$TMP/blob.back" || show "$TMP/exec.err"
  fi

  run_orka 30 ops exec -q shell --transport "$t" -- sh -c 'exit 42' >/dev/null 2>"$TMP/exec.err"
  rc=$?
  check "exec[$t]: the remote exit code 42 is orka's exit code (got $rc)" test "$rc" -eq 42 || show "$TMP/exec.err"

  run_orka 30 ops exec -q shell --transport "$t" -- sh -c 'echo out; echo err >&2' \
    >"$TMP/exec.out" 2>"$TMP/exec.err"
  rc=$?
  check "exec[$t]: remote stdout to stdout, remote stderr to stderr (rc $rc)" \
    bash -c '[[ $1 == 0 && $(cat "$2") == out ]] && grep -qx err "$3" && ! grep -q out "$3"' \
    _ "$rc" "$TMP/exec.out" "$TMP/exec.err" || { show "$TMP/exec.out"; show "$TMP/exec.err"; }

  # -t needs a terminal on stdin: script(1) gives one. The runtime may start the process before
  # it applies the first size (kubectl has the same race), hence the sleep before `stty size`.
  # Then the local terminal is resized while the command runs: the new size must arrive.
  # (sleep 10) keeps script's stdin open until the command is done. The terminal is handed to the
  # background job through fd 3: a shell without job control (dash, which script(1) runs when
  # $SHELL is unset or /bin/sh) gives a background job /dev/null before `<&0` is applied.
  out=$( (sleep 10) | SHELL=/bin/sh timeout 40 script -qec "stty cols 123 rows 45; exec 3<&0; \
'$ORKA' -n '$NS' ops exec -q -it shell --transport $t -- sh -c 'sleep 1; stty size; sleep 4; stty size' <&3 & \
p=\$!; sleep 2.5; stty cols 77 rows 33; wait \$p" /dev/null 2>&1 | tr -d '\r')
  check "exec[$t]: -t sends the terminal size (stty size = 45 123)" grep -qx '45 123' <<<"$out" ||
    sed 's/^/#   /' <<<"$out" | head -5
  check "exec[$t]: -t forwards a resize while the command runs (stty size = 33 77)" grep -qx '33 77' <<<"$out"

  # -v names the wire form in use.
  # (Only the line is checked here: the exit codes have their own checks above.)
  run_orka 30 -v ops exec -q shell --transport "$t" -- true >/dev/null 2>"$TMP/exec.err"
  got=$(grep -o 'exec: using .*' "$TMP/exec.err" | head -1)
  if [[ -n $want_wire ]]; then
    check "exec[$t]: -v shows \"exec: using $want_wire (...)\" (got \"$got\")" \
      grep -q "^exec: using $want_wire (" <<<"$got"
  else
    check "exec[$t]: -v shows the chosen transport, SPDY/3.1 or WebSocket (got \"$got\")" \
      grep -qE "^exec: using (SPDY/3.1|WebSocket) \(" <<<"$got"
    # With stdin attached on a cluster without v5 (< 1.30) auto must pick SPDY: EOF matters.
    run_orka 30 -v ops exec -q -i shell --transport "$t" -- true </dev/null >/dev/null 2>"$TMP/exec.err"
    got=$(grep -o 'exec: using .*' "$TMP/exec.err" | head -1)
    check "exec[$t] -i: -v shows SPDY/3.1 chosen on this 1.20 cluster (got \"$got\")" \
      grep -q "^exec: using SPDY/3.1 (" <<<"$got"
  fi
}

# ---------------------------------------------------------------------------- pf
# requests_after TRANSPORT LABEL PORT: 20 concurrent GETs of small.txt; sets REQUESTS_OK to how
# many answered 200 with the right content.
requests_after() {
  local dir=$TMP/after-$1-$2
  mkdir -p "$dir"
  seq 20 | xargs -P 20 -I{} curl -s --max-time 15 -o "$dir/{}" "http://127.0.0.1:$3/small.txt"
  REQUESTS_OK=$(grep -lx "$SMALL_TEXT" "$dir"/* 2>/dev/null | wc -l)
}
# show_request_failures JSON: the forward's last connection errors other than port 81's.
show_request_failures() {
  grep '"connection_error"' "$1" | grep -v '"remote_port":81' | tail -n 3 | cut -c1-300 | sed 's/^/#   /'
  return 0
}

pf_checks() {
  local t=$1
  local json=$TMP/pf-$t.json err=$TMP/pf-$t.err pf_pid p80 p81 wire want_wire ok rc t0 out
  want_wire=$(expected_wire "$t")
  # Started directly (no timeout wrapper, which would signal it twice) so one SIGINT reaches orka.
  "$ORKA" -n "$NS" ops pf deploy/files :80 :81 --transport "$t" --json >"$json" 2>"$err" &
  pf_pid=$!
  BG_PIDS+=("$pf_pid")
  two_ready() { [[ -n $(ready_field "$json" 80 local_port) && -n $(ready_field "$json" 81 local_port) ]]; }
  ready_or_gone() { two_ready || ! kill -0 "$pf_pid" 2>/dev/null; }
  wait_for 30 ready_or_gone
  if ! two_ready; then
    fail "pf[$t]: deploy/files :80 :81 never became ready"
    show "$json"; show "$err"
    kill "$pf_pid" 2>/dev/null
    return
  fi
  p80=$(ready_field "$json" 80 local_port)
  p81=$(ready_field "$json" 81 local_port)
  wire=$(ready_field "$json" 80 transport)
  if [[ $t == websocket ]]; then
    check "pf[$t]: Ready event's transport is WebSocket (got \"$wire\")" bash -c '[[ -z $1 || $1 == WebSocket ]]' _ "$wire"
  elif [[ -n $want_wire ]]; then
    check "pf[$t]: Ready event's transport is $want_wire (got \"$wire\")" test "$wire" = "$want_wire"
  else
    check "pf[$t]: Ready event names the transport in use (got \"$wire\")" test -n "$wire"
  fi

  out=$(curl -s --max-time 10 "http://127.0.0.1:$p80/small.txt")
  check "pf[$t]: HTTP GET through the forward" test "$out" = "$SMALL_TEXT" || show "$err"

  mkdir -p "$TMP/many-$t"
  t0=$(now)
  ok=$(seq 200 | xargs -P 200 -I{} curl -s --max-time 60 -o "$TMP/many-$t/{}" -w '%{http_code}\n' \
    "http://127.0.0.1:$p80/small.txt" | grep -c '^200$')
  local same
  same=$(grep -lx "$SMALL_TEXT" "$TMP/many-$t"/* 2>/dev/null | wc -l)
  check "pf[$t]: 200 concurrent connections all succeed with the right content ($ok x 200, $same right, $(since "$t0")s)" \
    test "$ok" -eq 200 -a "$same" -eq 200 || show "$err"

  # One connection's reset leaves the rest working. A long, rate-limited download runs while
  # (a) another download is killed with SIGKILL mid-transfer (its local socket is reset), then
  # (b) a connection to port 81, where nothing listens in the pod, is refused remotely.
  # After each, the forward must live on and 20 new concurrent requests must succeed.
  curl -s --max-time 120 --limit-rate 3M -o "$TMP/long-$t.bin" -w '%{http_code}' \
    "http://127.0.0.1:$p80/big.bin" >"$TMP/long-$t.code" 2>/dev/null &
  local long_pid=$! killed_pid killed_size long_running=no
  BG_PIDS+=("$long_pid")
  curl -s --max-time 60 --limit-rate 2M -o "$TMP/killed-$t.bin" "http://127.0.0.1:$p80/big.bin" &
  killed_pid=$!
  # Over SPDY both downloads share one connection without flow control (the kubelet has none):
  # frames of the rate-limited long download queued ahead can delay the second one's first
  # bytes, so wait for them (up to 20 s) before killing it mid-transfer.
  killed_size=0
  for _ in $(seq 40); do
    sleep 0.5
    killed_size=$(stat -c %s "$TMP/killed-$t.bin" 2>/dev/null || echo 0)
    ((killed_size > 1048576)) && break
  done
  kill -9 "$killed_pid" 2>/dev/null
  wait "$killed_pid" 2>/dev/null
  requests_after "$t" killed "$p80"
  check "pf[$t]: after a download killed mid-transfer ($killed_size of $FILE_SIZE bytes), the forward lives and 20 new requests succeed ($REQUESTS_OK/20)" \
    bash -c 'kill -0 "$1" && [[ $2 == 20 ]] && (($3 > 0 && $3 < $4))' _ "$pf_pid" "$REQUESTS_OK" "$killed_size" "$FILE_SIZE" ||
    show_request_failures "$json"

  # Whether the request bytes reach the kubelet before it reports the refusal is a race, and
  # only then can an unread stream hold up others on a shared connection, so refuse several.
  local before_errors refused=0 i
  before_errors=$(count_events "$json" connection_error)
  for i in 1 2 3 4 5 6 7 8; do
    curl -s --max-time 10 -o /dev/null "http://127.0.0.1:$p81/" || refused=$((refused + 1))
    if ((i == 1)); then kill -0 "$long_pid" 2>/dev/null && long_running=yes; fi
  done
  eight_errors() { [[ $(count_events "$json" connection_error) -ge $((before_errors + 8)) ]]; }
  wait_for 10 eight_errors
  local new_errors=$(($(count_events "$json" connection_error) - before_errors))
  check "pf[$t]: 8 connections refused in the pod fail alone ($refused/8 failed, $new_errors connection_error events)" \
    test "$refused" -eq 8 -a "$new_errors" -ge 8 || show "$err"
  requests_after "$t" refused "$p80"
  check "pf[$t]: after the refused connections, the forward lives and 20 new requests succeed ($REQUESTS_OK/20)" \
    bash -c 'kill -0 "$1" && [[ $2 == 20 ]]' _ "$pf_pid" "$REQUESTS_OK" || show_request_failures "$json"

  wait "$long_pid"
  local size sha
  size=$(stat -c %s "$TMP/long-$t.bin" 2>/dev/null || echo 0)
  sha=$(sha256sum <"$TMP/long-$t.bin" | cut -d' ' -f1)
  check "pf[$t]: the long download running meanwhile (still running at the first refusal: $long_running) completes intact (HTTP $(cat "$TMP/long-$t.code"), $size bytes, sha256 matches)" \
    test "$size" -eq "$FILE_SIZE" -a "$sha" = "$FILE_SHA" -a "$long_running" = yes
  rm -f "$TMP/long-$t.bin" "$TMP/killed-$t.bin"

  kill -INT "$pf_pid"
  gone() { ! kill -0 "$pf_pid" 2>/dev/null; }
  if wait_for 15 gone; then
    wait "$pf_pid"
    rc=$?
    check "pf[$t]: Ctrl-C ends the forward with exit 130 (got $rc)" test "$rc" -eq 130
  else
    fail "pf[$t]: still running 15 s after SIGINT"
    kill -9 "$pf_pid" 2>/dev/null
  fi
  check "pf[$t]: nothing on stderr in --json mode" test ! -s "$err" || show "$err"
  # Connections to port 80 that failed (e.g. "the server did not answer SPDY stream N"), if any:
  # reported only once their 30 s open timeout passed, so shown here rather than at the check.
  if grep '"connection_error"' "$json" | grep -q '"remote_port":80'; then
    echo "#   connection errors on port 80 during this forward:"
    grep '"connection_error"' "$json" | grep '"remote_port":80' | head -n 3 | cut -c1-300 | sed 's/^/#   /'
  fi
}

for t in $TRANSPORTS; do
  echo "# --- transport $t"
  t_start=$SECONDS
  exec_checks "$t"
  pf_checks "$t"
  echo "# transport $t: $((SECONDS - t_start))s"
done

# ---------------------------------------------------------------------------- bad value
for op in exec pf; do
  if [[ $op == exec ]]; then
    run_orka 30 ops exec shell --transport bogus -- true >"$TMP/bogus.out" 2>&1
  else
    run_orka 30 ops pf deploy/files :80 --transport bogus >"$TMP/bogus.out" 2>&1
  fi
  rc=$?
  check "$op --transport bogus: usage error, exit 2, naming auto, websocket and spdy (rc $rc)" \
    bash -c '[[ $1 == 2 ]] && grep -q auto "$2" && grep -q websocket "$2" && grep -q spdy "$2"' _ "$rc" "$TMP/bogus.out" ||
    show "$TMP/bogus.out"
done
