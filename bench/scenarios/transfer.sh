# shellcheck shell=bash
# Bulk transfers through exec and port-forward, per transport (issue 5's scenarios).
#   pf           256 MiB HTTP download through one port-forward connection (curl time only)
#   exec-stdin   100 MiB through `exec -i POD -- sha256sum` (must end by itself; hash checked)
#   exec-stdout  100 MiB from `exec POD -- head -c 104857600 /dev/zero` (byte count checked)

PF_FILE=/big.bin
PF_BYTES=268435456          # 256 MiB, written by the bench pod at start
EXEC_BYTES=104857600        # 100 MiB
TRANSPORT_CONTENDERS="orka-websocket orka-spdy orka-auto kubectl"

# Over the modern route too: exec-stdin-modern is exec over v5, pf-modern pf over the WebSocket
# tunnel (`auto` picks them there), against kubectl 1.33, which speaks both.
register pf transfer "$TRANSPORT_CONTENDERS" wall "256 MiB download through one port-forward connection" modern
register exec-stdin transfer "$TRANSPORT_CONTENDERS" wall "100 MiB into exec -i … sha256sum" modern
register exec-stdout transfer "$TRANSPORT_CONTENDERS" wall "100 MiB out of exec … head -c"
needs_pods pf "$POD"; needs_pods exec-stdin "$POD"; needs_pods exec-stdout "$POD"
scenario_bytes pf "$PF_BYTES"; scenario_bytes exec-stdin "$EXEC_BYTES"; scenario_bytes exec-stdout "$EXEC_BYTES"
target pf wall kubectl 0.8
target exec-stdin wall kubectl 0.9
target exec-stdout wall kubectl 0.6
# issue 5: `auto` never slower than the slower of the two transports it picks between
for s in pf exec-stdin exec-stdout; do target "$s" wall slower-transport 1; done

orka_transport_args() {  # $1 = contender, $2 = 1 if the op has --transport
  local transport=${1#orka-}
  if [[ $1 == orka-* && $2 == 1 ]]; then
    printf '%s\n' --transport "$transport"
  fi
}

# The contender cannot run with this orka build or server: prints the reason, or nothing.
skip_reason_transfer() {  # $1 = scenario, $2 = contender
  local has=$EXEC_HAS_TRANSPORT
  [[ $1 == pf* ]] && has=$PF_HAS_TRANSPORT
  case $2 in
    orka-spdy|orka-auto)
      ((has)) || { echo "this orka has no --transport flag (WebSocket only)"; return; } ;;
  esac
  if [[ $1 == exec-stdin && $2 == orka-websocket && $ROUTE != modern ]] && ((!SERVER_HAS_V5)); then
    echo "server $SERVER_GIT speaks exec v4 only: stdin EOF cannot reach the command over WebSocket, sha256sum would never end (needs v5, Kubernetes >= 1.30)"
  fi
}

setup_exec_stdin() {
  STDIN_FILE=$SCRATCH/stdin.bin
  head -c "$EXEC_BYTES" /dev/urandom >"$STDIN_FILE" || die "cannot write $STDIN_FILE"
  STDIN_SHA=$(sha256sum "$STDIN_FILE" | awk '{ print $1 }')
  probe_auto_choice exec-stdin
}
teardown_exec_stdin() { rm -f "$STDIN_FILE"; }
setup_exec_stdout() { probe_auto_choice exec-stdout; }
setup_pf() {
  # Read the file once so every download is served from the page cache.
  "${KUBECTL_CMD[@]}" exec "$POD" -- cat "/tmp/www$PF_FILE" >/dev/null 2>&1 </dev/null
}

run_exec_stdin() {
  local contender=$1 rc got
  local cmd=()
  if [[ $contender == kubectl ]]; then
    cmd=("${KUBECTL_CMD[@]}" exec -i "$POD" -- sha256sum)
  else
    mapfile -t targs < <(orka_transport_args "$contender" "$EXEC_HAS_TRANSPORT")
    cmd=("${ORKA_CMD[@]}" ops exec "${targs[@]}" -i "$POD" -- sha256sum)
  fi
  measure_command "$STDIN_FILE" "$SCRATCH/out" "${cmd[@]}"; rc=$?
  got=$(awk '{ print $1; exit }' "$SCRATCH/out" 2>/dev/null)
  R_BYTES=$EXEC_BYTES
  if ((rc != 0)); then
    R_NOTE=$(exit_note "$rc")
  elif [[ $got != "$STDIN_SHA" ]]; then
    R_NOTE="sha256 mismatch: got '${got:0:16}…', want '${STDIN_SHA:0:16}…'"
  else
    R_STATUS=ok
  fi
  rm -f "$SCRATCH/out"
}

run_exec_stdout() {
  local contender=$1 rc size
  local remote=(head -c "$EXEC_BYTES" /dev/zero)
  local cmd=()
  if [[ $contender == kubectl ]]; then
    cmd=("${KUBECTL_CMD[@]}" exec "$POD" -- "${remote[@]}")
  else
    mapfile -t targs < <(orka_transport_args "$contender" "$EXEC_HAS_TRANSPORT")
    cmd=("${ORKA_CMD[@]}" ops exec "${targs[@]}" "$POD" -- "${remote[@]}")
  fi
  measure_command /dev/null "$SCRATCH/out" "${cmd[@]}"; rc=$?
  size=$(stat -c %s "$SCRATCH/out" 2>/dev/null || echo 0)
  R_BYTES=$EXEC_BYTES
  if ((rc != 0)); then
    R_NOTE=$(exit_note "$rc")
  elif ((size != EXEC_BYTES)); then
    R_NOTE="got $size bytes, want $EXEC_BYTES"
  else
    R_STATUS=ok
  fi
  rm -f "$SCRATCH/out"
}

# Starts a forwarder of $POD's port 8080 for `contender` in the background: FORWARDER_PID,
# and once it said it is ready, FORWARD_PORT (empty when it never did; R_NOTE says why) and
# FORWARD_TRANSPORT (orka's Ready event). Polls every 10 ms: pf-first-byte times this.
start_forwarder() {  # contender
  local contender=$1 log=$SCRATCH/pf.log i
  local cmd=()
  FORWARD_PORT="" FORWARD_TRANSPORT=""
  if [[ $contender == kubectl ]]; then
    cmd=("${KUBECTL_CMD[@]}" port-forward --address 127.0.0.1 "pod/$POD" :8080)
  else
    mapfile -t targs < <(orka_transport_args "$contender" "$PF_HAS_TRANSPORT")
    cmd=("${ORKA_CMD[@]}" ops pf "$POD" :8080 --json "${targs[@]}")
  fi
  "${cmd[@]}" >"$log" 2>&1 </dev/null &
  FORWARDER_PID=$!
  for ((i = 0; i < 3000; i++)); do  # up to 30 s for the forward to report ready
    if [[ $contender == kubectl ]]; then
      FORWARD_PORT=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log" | head -1)
    else
      FORWARD_PORT=$(grep '"ready"' "$log" | grep -o '"local_port": *[0-9]*' | head -1 | grep -o '[0-9]*$')
      FORWARD_TRANSPORT=$(grep '"ready"' "$log" | grep -o '"transport": *"[^"]*"' | head -1 | cut -d'"' -f4)
    fi
    [[ -n $FORWARD_PORT ]] && return 0
    kill -0 "$FORWARDER_PID" 2>/dev/null || break
    sleep 0.01
  done
  R_NOTE="forward never reported ready: $(last_line "$log")"
  return 1
}

stop_forwarder() {
  [[ -n $FORWARDER_PID ]] || return 0
  kill "$FORWARDER_PID" 2>/dev/null
  wait "$FORWARDER_PID" 2>/dev/null
  FORWARDER_PID=""
}

forwarder_error() {  # the forwarder's last error line, for a note
  grep -i 'error' "$SCRATCH/pf.log" | tail -1 | tr '\t' ' ' | cut -c1-120
}

run_pf() {
  local contender=$1
  R_BYTES=$PF_BYTES
  if start_forwarder "$contender"; then
    local cpu0 cpu1 out rc code size seconds
    cpu0=$(proc_cpu_ticks "$FORWARDER_PID")
    out=$(curl -sS -o /dev/null --max-time "$TIMEOUT" \
      -w '%{http_code} %{size_download} %{time_total}' "http://127.0.0.1:$FORWARD_PORT$PF_FILE" 2>"$SCRATCH/stderr")
    rc=$?
    cpu1=$(proc_cpu_ticks "$FORWARDER_PID")
    R_RSS=$(proc_hwm_kib "$FORWARDER_PID")
    read -r code size seconds <<<"$out"
    R_WALL=$(awk -v s="${seconds:-0}" 'BEGIN { printf "%.3f", s }')
    R_CPU=$(ticks_to_seconds "$cpu0" "$cpu1")
    [[ -n $FORWARD_TRANSPORT ]] && R_NOTE="transport=$FORWARD_TRANSPORT"
    if ((rc != 0)); then
      if ((rc == 28)); then
        R_NOTE="did not end within ${TIMEOUT}s (curl)"
      else
        R_NOTE="curl exit $rc: $(last_line "$SCRATCH/stderr")"
      fi
      local why; why=$(forwarder_error)
      [[ -n $why ]] && R_NOTE+="; forward: $why"
    elif [[ $code != 200 || $size != "$PF_BYTES" ]]; then
      R_NOTE="HTTP $code, $size bytes, want 200 and $PF_BYTES bytes"
    else
      R_STATUS=ok
    fi
  fi
  stop_forwarder
}

# What `--transport auto` picks, seen once outside the timed runs (-v shows the choice).
probe_auto_choice() {  # $1 = scenario
  local line
  case $1 in
    exec-stdin)
      ((EXEC_HAS_TRANSPORT)) || return 0
      printf x | timeout 30 "${ORKA_CMD[@]}" -v ops exec --transport auto -i "$POD" -- head -c 1 \
        >/dev/null 2>"$SCRATCH/probe" ;;
    exec-stdout)
      ((EXEC_HAS_TRANSPORT)) || return 0
      timeout 30 "${ORKA_CMD[@]}" -v ops exec --transport auto "$POD" -- true \
        </dev/null >/dev/null 2>"$SCRATCH/probe" ;;
    *) return 0 ;;
  esac
  line=$(grep -i 'using ' "$SCRATCH/probe" | tail -1 | sed 's/^.*using /using /' | cut -c1-80)
  [[ -n $line ]] && AUTO_CHOICE[$1]=$line
  return 0
}
