# shellcheck shell=bash
# One measured run: what a command cost (wall, CPU, peak RSS) and how many API requests it
# made. Sourced by bench/run; needs SCRATCH, TIMEOUT and, for request counts, AUDIT_LOG.
#
# Each run sets the R_* variables below; record() in bench/run files them.

# Everything one run can report. Empty means "not measured in this scenario".
#   R_STATUS ok|FAILED|skipped   R_NOTE why (first failure's reason is the one shown)
#   R_WALL s  R_CPU user+sys s  R_RSS peak KiB  R_BYTES moved  R_REQS API requests
#   R_P50 R_P99 ms per request or keystroke  R_FAILED sub-requests that failed
#   R_LINES_WANT lines written in the window  R_LINES_GOT lines received of them  R_LOST the rest
#   R_DROPPED lines the tool said it dropped  R_RSS_GROWTH % from the 10 s sample to the last
METRICS=(wall cpu rss bytes reqs p50 p99 failed lines_want lines_got lost dropped rss_growth)
reset_result() {
  R_STATUS=FAILED R_NOTE=""
  R_WALL="" R_CPU="" R_RSS="" R_BYTES="" R_REQS="" R_P50="" R_P99="" R_FAILED=""
  R_LINES_WANT="" R_LINES_GOT="" R_LOST="" R_DROPPED="" R_RSS_GROWTH=""
}
metric_value() {  # metric -> the current run's value
  case $1 in
    wall) echo "$R_WALL" ;; cpu) echo "$R_CPU" ;; rss) echo "$R_RSS" ;; bytes) echo "$R_BYTES" ;;
    reqs) echo "$R_REQS" ;; p50) echo "$R_P50" ;; p99) echo "$R_P99" ;; failed) echo "$R_FAILED" ;;
    lines_want) echo "$R_LINES_WANT" ;; lines_got) echo "$R_LINES_GOT" ;; lost) echo "$R_LOST" ;;
    dropped) echo "$R_DROPPED" ;; rss_growth) echo "$R_RSS_GROWTH" ;;
  esac
}

last_line() {  # the last non-empty line of a file, one line, at most 140 characters
  [[ -s $1 ]] || return 0
  grep -v '^[[:space:]]*$' "$1" | tail -1 | tr '\t\r' '  ' | cut -c1-140
}

# measure_command IN OUT CMD... : wall clock, CPU and max RSS of CMD (via GNU time, which
# reports the children it waited for: timeout and CMD, or a pipeline's members under bash -c;
# the max RSS is the largest of them, timeout itself costs nothing).
measure_command() {
  local in=$1 out=$2; shift 2
  local t0 t1 rc user sys rss
  t0=$EPOCHREALTIME
  /usr/bin/time -q -o "$SCRATCH/time" -f '%U %S %M' \
    timeout -k 5 "$TIMEOUT" "$@" <"$in" >"$out" 2>"$SCRATCH/stderr"
  rc=$?
  t1=$EPOCHREALTIME
  R_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  read -r user sys rss <"$SCRATCH/time" 2>/dev/null || { user=0 sys=0 rss=0; }
  R_CPU=$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN { printf "%.2f", u + s }')
  R_RSS=${rss:-}
  return $rc
}

exit_note() {  # why a command failed, from its exit code and stderr
  local rc=$1 why
  why=$(last_line "$SCRATCH/stderr")
  if ((rc == 124 || rc == 137)); then
    printf 'did not end within %ss%s' "$TIMEOUT" "${why:+: $why}"
  else
    printf 'exit %s%s' "$rc" "${why:+: $why}"
  fi
}

proc_cpu_ticks() {  # utime + stime of a process, in clock ticks
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  # Fields after "(comm) ": state is 3rd overall, utime 14th, stime 15th.
  awk '{ print $12 + $13 }' <<<"${stat##*) }"
}
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
ticks_to_seconds() { awk -v a="$1" -v b="$2" -v t="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / t }'; }
proc_rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
proc_hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# Percentiles of the numbers in a file, one a line (nearest rank): prints "p50 p99".
percentiles() {
  sort -g "$1" | awk '{ v[NR] = $1 }
    END { if (NR == 0) exit
          i50 = int(0.50 * NR + 0.999999); i99 = int(0.99 * NR + 0.999999)
          printf "%.3f %.3f\n", v[i50 < 1 ? 1 : i50], v[i99 < 1 ? 1 : i99] }'
}

# ------------------------------------------------------------------ API request counts
# The test cluster's API server writes an audit log (scripts/cluster: one line per finished
# request of the admin user). A run's requests are the lines added while it ran whose user
# agent is the contender's: orka/…, kubectl…/…, curl/…. Nothing else uses the admin identity
# while the bench holds the cluster lock, and the bench's own set-up runs outside the window.
AUDIT_OFFSET=0
AUDIT_INODE=""
audit_mark() {
  [[ -n ${AUDIT_LOG:-} && -f $AUDIT_LOG ]] || return 0
  AUDIT_OFFSET=$(stat -c %s "$AUDIT_LOG")
  AUDIT_INODE=$(stat -c %i "$AUDIT_LOG")
}
user_agent_of() {  # contender -> the user-agent prefix its requests carry
  case $1 in
    orka*) echo 'orka/' ;;
    kubectl*) echo "$(basename "$KUBECTL")/" ;;
    curl*) echo 'curl/' ;;
  esac
}
# Sets R_REQS to the requests of `contender` since audit_mark. The server writes a request's
# line when its response is complete, a moment after the client may have exited: the count is
# read until it stays the same for 300 ms (at most 3 s).
audit_count() {  # contender
  [[ -n ${AUDIT_LOG:-} && -f $AUDIT_LOG ]] || return 0
  local agent count last=-1 i
  agent=$(user_agent_of "$1")
  [[ -n $agent ]] || return 0
  if [[ $(stat -c %i "$AUDIT_LOG") != "$AUDIT_INODE" ]]; then
    R_NOTE+="${R_NOTE:+; }request count unknown (audit log rotated)"
    return 0
  fi
  for ((i = 0; i < 10; i++)); do
    count=$(tail -c +"$((AUDIT_OFFSET + 1))" "$AUDIT_LOG" | grep -c -F "\"userAgent\":\"$agent")
    ((count == last)) && break
    last=$count
    sleep 0.3
  done
  R_REQS=$count
}
