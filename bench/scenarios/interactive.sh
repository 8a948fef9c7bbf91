# shellcheck shell=bash
# Many connections at once, and a person typing.
#   pf-concurrent  200 concurrent small GETs through one port-forward: failures, total time,
#                  p50/p99 per request (curl --parallel, each on its own connection)
#   exec-tty       `exec -it POD` one-byte round trips, p50/p99 over 1000 keystrokes

PF_CONCURRENT=200
KEYSTROKES=1000

register pf-concurrent interactive "orka kubectl" wall "$PF_CONCURRENT concurrent GETs through port-forward"
register exec-tty interactive "orka kubectl" p50 "exec -it: one-byte round trips, $KEYSTROKES keystrokes"
needs_pods pf-concurrent "$POD"; needs_pods exec-tty "$POD"
target pf-concurrent failed value 0
target pf-concurrent wall kubectl 1
target exec-tty p50 kubectl 1

run_pf_concurrent() {
  local contender=$1 i cpu0 cpu1 t0 rc
  [[ $contender == orka ]] && contender=orka-auto
  start_forwarder "$contender" || { stop_forwarder; return; }
  : >"$SCRATCH/curl.cfg"
  for ((i = 1; i <= PF_CONCURRENT; i++)); do
    printf 'url = "http://127.0.0.1:%s/small.txt?n=%d"\noutput = "/dev/null"\n' "$FORWARD_PORT" "$i" >>"$SCRATCH/curl.cfg"
  done
  cpu0=$(proc_cpu_ticks "$FORWARDER_PID")
  t0=$EPOCHREALTIME
  curl -sS --parallel --parallel-immediate --parallel-max "$PF_CONCURRENT" --max-time 60 \
    -K "$SCRATCH/curl.cfg" -w '%{exitcode} %{http_code} %{time_total}\n' >"$SCRATCH/answers" 2>"$SCRATCH/stderr"
  rc=$?
  R_WALL=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
  cpu1=$(proc_cpu_ticks "$FORWARDER_PID")
  R_CPU=$(ticks_to_seconds "$cpu0" "$cpu1")
  R_RSS=$(proc_hwm_kib "$FORWARDER_PID")
  stop_forwarder
  local answered
  answered=$(wc -l <"$SCRATCH/answers")
  R_FAILED=$(awk '$1 != 0 || $2 != 200' "$SCRATCH/answers" | wc -l)
  R_FAILED=$((R_FAILED + PF_CONCURRENT - answered))
  awk '$1 == 0 && $2 == 200 { print $3 * 1000 }' "$SCRATCH/answers" >"$SCRATCH/times"
  read -r R_P50 R_P99 < <(percentiles "$SCRATCH/times")
  # Failed requests are a result here, not a failed run: the table shows how many.
  if ((answered == 0)); then
    R_NOTE="curl exit $rc: $(last_line "$SCRATCH/stderr")"
  else
    R_STATUS=ok
    ((R_FAILED > 0)) && R_NOTE="$R_FAILED of $PF_CONCURRENT requests failed (first: $(awk '$1 != 0 || $2 != 200 { print "curl exit " $1 ", HTTP " $2; exit }' "$SCRATCH/answers"))"
  fi
}

run_exec_tty() {
  local cmd=() out rc total cpu rss
  local remote=(sh -c "stty raw -echo; echo READY; exec dd bs=1 count=$KEYSTROKES 2>/dev/null")
  case $1 in
    kubectl) cmd=("${KUBECTL_CMD[@]}" exec -it "$POD" -- "${remote[@]}") ;;
    *) cmd=("${ORKA_CMD[@]}" ops exec -it "$POD" -- "${remote[@]}") ;;
  esac
  out=$(timeout -k 5 "$TIMEOUT" python3 "$BENCH_DIR/lib/tty_latency.py" "$KEYSTROKES" "${cmd[@]}" 2>"$SCRATCH/stderr")
  rc=$?
  if ((rc != 0)); then
    R_NOTE=$(exit_note "$rc")
    return
  fi
  read -r R_P50 R_P99 R_WALL R_CPU R_RSS <<<"$out"
  R_STATUS=ok
}
