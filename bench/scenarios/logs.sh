# shellcheck shell=bash
# One finished 100 MiB log, whole and filtered, and its last line.
#   logs                `logs POD` of a 100 MiB log; curl GETting the same endpoint is the limit
#   logs-include-all    `--include RE` that every line matches, against `kubectl logs | grep -E RE`
#   logs-include-1pct   the same with a pattern that matches 1 line in 100
#   logs-tail           `logs POD --tail 1` (also over the remote route)

LOG_BYTES=104857600         # 1048576 numbered lines of 100 bytes, see fixtures.yaml
# Every line: "orka-bench log line 0000042: …". The 1% pattern takes the numbers ending in 00.
LOG_RE_ALL='^orka-bench log line [0-9]+: '
LOG_RE_1PCT='^orka-bench log line [0-9]{5}00: '
LOG_LINES_1PCT=10486        # numbers 0..1048575 ending in 00

register logs logs "orka kubectl curl" wall "100 MiB finished log"
register logs-include-all logs "orka kubectl" wall "100 MiB log, --include matching every line (kubectl: | grep -E)"
register logs-include-1pct logs "orka kubectl" wall "100 MiB log, --include matching 1% (kubectl: | grep -E)"
register logs-tail logs "orka kubectl curl" wall "logs --tail 1" remote
for s in logs logs-include-all logs-include-1pct logs-tail; do needs_pods "$s" "$LOG_POD"; done
scenario_bytes logs "$LOG_BYTES"; scenario_bytes logs-include-all "$LOG_BYTES"
target logs wall curl 1.05
target logs cpu kubectl 0.4
# Filtering costs no measurable wall time: the filtered log against the whole one.
target logs-include-all wall logs:orka 1.05
target logs-include-1pct wall logs:orka 1.05
target logs-tail wall kubectl 1
target logs-tail-remote wall kubectl 1
target logs-tail-remote reqs kubectl 1

log_url() {  # query -> the log endpoint's URL on the current route
  echo "$API_URL/api/v1/namespaces/$NS/pods/$LOG_POD/log${1:-}"
}

# Runs cmd (an argument array), then checks the output's size and, with `lines`, its line count.
check_log_output() {  # want_bytes want_lines cmd...
  local want_bytes=$1 want_lines=$2 rc size lines; shift 2
  measure_command /dev/null "$SCRATCH/out" "$@"; rc=$?
  size=$(stat -c %s "$SCRATCH/out" 2>/dev/null || echo 0)
  R_BYTES=$size
  if ((rc != 0)); then
    R_NOTE=$(exit_note "$rc")
  elif [[ -n $want_bytes ]] && ((size != want_bytes)); then
    R_NOTE="got $size bytes, want $want_bytes"
    grep -q -m1 'lines dropped' "$SCRATCH/out" && R_NOTE+=" (with 'lines dropped' markers)"
  elif [[ -n $want_lines ]] && lines=$(wc -l <"$SCRATCH/out") && ((lines != want_lines)); then
    R_NOTE="got $lines lines, want $want_lines"
  else
    R_STATUS=ok
  fi
  rm -f "$SCRATCH/out"
}

run_logs() {
  local cmd=()
  case $1 in
    kubectl) cmd=("${KUBECTL_CMD[@]}" logs "$LOG_POD") ;;
    curl) cmd=("${CURL_CMD[@]}" "$(log_url)") ;;
    *) cmd=("${ORKA_CMD[@]}" ops logs "$LOG_POD") ;;
  esac
  check_log_output "$LOG_BYTES" "" "${cmd[@]}"
}

run_logs_filtered() {  # contender pattern want_lines
  local cmd=()
  if [[ $1 == kubectl ]]; then
    # The pipeline as a user types it; GNU time counts kubectl's and grep's CPU together.
    cmd=(bash -c '"$@" | grep -E "$0"' "$2" "${KUBECTL_CMD[@]}" logs "$LOG_POD")
  else
    cmd=("${ORKA_CMD[@]}" ops logs "$LOG_POD" --include "$2")
  fi
  check_log_output "" "$3" "${cmd[@]}"
}
run_logs_include_all() { run_logs_filtered "$1" "$LOG_RE_ALL" $((LOG_BYTES / 100)); }
run_logs_include_1pct() { run_logs_filtered "$1" "$LOG_RE_1PCT" "$LOG_LINES_1PCT"; }

run_logs_tail() {
  local cmd=()
  case $1 in
    kubectl) cmd=("${KUBECTL_CMD[@]}" logs "$LOG_POD" --tail 1) ;;
    curl) cmd=("${CURL_CMD[@]}" "$(log_url '?tailLines=1')") ;;
    *) cmd=("${ORKA_CMD[@]}" ops logs "$LOG_POD" --tail 1) ;;
  esac
  check_log_output 100 "" "${cmd[@]}"
}
