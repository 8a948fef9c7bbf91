# shellcheck shell=bash
# Many pods at once, and a consumer slower than the log.
#   follow-100     logs -f -l app=many over 100 pods writing 5 lines/s each, 30 s: CPU seconds,
#                  peak RSS, and the lines received against the lines the pods wrote
#   slow-consumer  logs -f of a pod writing as fast as it can into a reader taking 1 MiB/s:
#                  RSS every second (growth after the first 10 s), lines the tool said it dropped

MANY_PODS=100
FOLLOW_SECONDS=${BENCH_FOLLOW_SECONDS:-30}
# Lines written in the first seconds may predate a stream's request (--tail 0 starts at "now"),
# and those of the last second may still be on their way: the count covers the window between.
FOLLOW_SETTLE=3
FOLLOW_TAIL=1
SLOW_SECONDS=${BENCH_SLOW_SECONDS:-30}
SLOW_RATE=1048576

register follow-100 many "orka kubectl curl" cpu "logs -f over $MANY_PODS pods × 5 lines/s, ${FOLLOW_SECONDS} s"
register slow-consumer many "orka kubectl" rss "logs -f of a firehose into a 1 MiB/s reader, ${SLOW_SECONDS} s"
long follow-100 slow-consumer
target follow-100 cpu kubectl 0.5
target follow-100 rss kubectl 0.3
target follow-100 lost value 0
target slow-consumer rss_growth value 10

# ------------------------------------------------------------------ follow-100
setup_follow_100() {
  # Applied only when missing: applying it again would reset the replicas.
  k get deploy/many >/dev/null 2>&1 || apply_fixture "$BENCH_DIR/fixtures-many.yaml"
  k scale deploy/many --replicas "$MANY_PODS" >/dev/null || return 1
  say "waiting for $MANY_PODS pods of deploy/many to be Ready"
  k rollout status deploy/many --timeout=900s >/dev/null ||
    { say "deploy/many did not become ready"; return 1; }
  # Pods of an earlier scale-down may still be terminating: both tools would count them.
  local i
  for ((i = 0; i < 180; i++)); do
    (($(k get pods -l app=many -o name | wc -l) == MANY_PODS)) && return 0
    sleep 1
  done
  say "deploy/many has pods other than its $MANY_PODS running ones"; return 1
}
teardown_follow_100() {
  k scale deploy/many --replicas 0 >/dev/null 2>&1
  k wait --for=delete pod -l app=many --timeout=180s >/dev/null 2>&1
}

iso_time() {  # epoch seconds (with fraction) -> 2006-01-02T15:04:05.000000000 (UTC, 9 digits)
  date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%N
}

# Lines "POD TIMESTAMP SEQ" from kubelet-timestamped text on stdin, timestamps cut to 9
# fractional digits (the kubelet drops trailing zeros) so they compare as strings. Reads
# orka's "[pod/container] TS many line N" and kubectl's "[pod/POD/container] TS many line N".
normalise_many_lines() {
  awk '{
    pod = ""; ts = ""; seq = ""
    for (i = 1; i <= NF; i++) {
      if (pod == "" && substr($i, 1, 1) == "[") {
        p = substr($i, 2); sub(/\]$/, "", p); n = split(p, part, "/")
        pod = (n >= 3 && part[1] == "pod") ? part[2] : part[1]
      } else if (ts == "" && $i ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/) {
        ts = $i
      } else if ($i == "line" && $(i - 1) == "many") {
        seq = $(i + 1)
      }
    }
    if (ts == "" || seq == "") next
    sub(/Z$/, "", ts)
    if (index(ts, ".") == 0) ts = ts ".";
    frac = substr(ts, index(ts, ".") + 1)
    ts = substr(ts, 1, index(ts, ".")) substr(frac "000000000", 1, 9)
    print pod, ts, seq
  }'
}

# curl, the raw-client limit: the 100 follow requests at once over one HTTP/2 connection (as
# kubectl multiplexes them), each pod's log into a file of its own; no pod lookup, no prefixes.
curl_follow_config() {
  local since=$1 p
  rm -rf "$SCRATCH/curl-follow"; mkdir -p "$SCRATCH/curl-follow"
  : >"$SCRATCH/follow.cfg"
  for p in $(k get pods -l app=many -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}'); do
    printf 'url = "%s"\noutput = "%s"\n' \
      "$API_URL/api/v1/namespaces/$NS/pods/$p/log?follow=true&timestamps=true&sinceTime=$since" \
      "$SCRATCH/curl-follow/$p" >>"$SCRATCH/follow.cfg"
  done
}

run_follow_100() {
  local cmd=() rc t0 t1 from to user sys rss
  case $1 in
    kubectl) cmd=("${KUBECTL_CMD[@]}" logs -f -l app=many --max-log-requests "$MANY_PODS" --prefix --tail 0 --timestamps) ;;
    curl)
      # sinceTime has second precision: from the next second on, as close to --tail 0 as it gets.
      curl_follow_config "$(date -u -d "@$((EPOCHSECONDS + 1))" +%Y-%m-%dT%H:%M:%SZ)"
      cmd=("${CURL_CMD[@]}" --http2 --parallel --parallel-max "$MANY_PODS" -K "$SCRATCH/follow.cfg") ;;
    *) cmd=("${ORKA_CMD[@]}" ops logs -f -l app=many --max-streams "$MANY_PODS" --tail 0 --timestamps) ;;
  esac
  t0=$EPOCHREALTIME
  /usr/bin/time -q -o "$SCRATCH/time" -f '%U %S %M' \
    timeout -s INT -k 5 "$FOLLOW_SECONDS" "${cmd[@]}" </dev/null >"$SCRATCH/out" 2>"$SCRATCH/stderr"
  rc=$?
  t1=$EPOCHREALTIME
  R_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  read -r user sys rss <"$SCRATCH/time" 2>/dev/null || { user=0 sys=0 rss=0; }
  R_CPU=$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN { printf "%.2f", u + s }')
  R_RSS=$rss
  if ((rc != 124)); then  # 124: timeout ended it, as intended
    R_NOTE="ended by itself before ${FOLLOW_SECONDS}s: $(exit_note "$rc")"
    return
  fi
  from=$(iso_time "$(awk -v a="$t0" -v s="$FOLLOW_SETTLE" 'BEGIN { printf "%.6f", a + s }')")
  to=$(iso_time "$(awk -v a="$t1" -v s="$FOLLOW_TAIL" 'BEGIN { printf "%.6f", a - s }')")
  # What the pods wrote, from the server after the run: every pod's log since the start.
  local since pods p
  since=$(date -u -d "@${t0%.*}" +%Y-%m-%dT%H:%M:%SZ)
  pods=$(k get pods -l app=many -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}')
  for p in $pods; do
    "${CURL_CMD[@]}" "$API_URL/api/v1/namespaces/$NS/pods/$p/log?timestamps=true&sinceTime=$since" |
      sed "s|^|[$p] |"
  done | normalise_many_lines >"$SCRATCH/written"
  if [[ $1 == curl ]]; then
    for p in "$SCRATCH"/curl-follow/*; do sed "s|^|[${p##*/}] |" "$p"; done >"$SCRATCH/out"
    rm -rf "$SCRATCH/curl-follow"
  fi
  normalise_many_lines <"$SCRATCH/out" >"$SCRATCH/received"
  in_window() { awk -v f="$from" -v t="$to" '$2 >= f && $2 <= t' "$1" | LC_ALL=C sort -u; }
  in_window "$SCRATCH/written" >"$SCRATCH/written.window"
  in_window "$SCRATCH/received" >"$SCRATCH/received.window"
  R_LINES_WANT=$(wc -l <"$SCRATCH/written.window")
  # Received lines count only if a pod wrote them: nothing is counted twice or made up.
  R_LINES_GOT=$(LC_ALL=C comm -12 "$SCRATCH/written.window" "$SCRATCH/received.window" | wc -l)
  R_LOST=$((R_LINES_WANT - R_LINES_GOT))
  local total; total=$(wc -l <"$SCRATCH/out")
  R_NOTE="$total lines in all"
  if ((R_LINES_WANT < MANY_PODS * 5 * (FOLLOW_SECONDS - FOLLOW_SETTLE - FOLLOW_TAIL) * 8 / 10)); then
    R_NOTE="the pods wrote only $R_LINES_WANT lines in the window: are they all running?"
    return
  fi
  R_STATUS=ok
  rm -f "$SCRATCH"/out "$SCRATCH"/written* "$SCRATCH"/received*
}

# ------------------------------------------------------------------ slow-consumer
setup_slow_consumer() {
  apply_fixture "$BENCH_DIR/fixtures-firehose.yaml"
  k wait --for=condition=Ready pod/firehose --timeout=300s >/dev/null
}
teardown_slow_consumer() {
  k delete pod firehose --ignore-not-found --wait=false --grace-period=1 >/dev/null 2>&1
}

run_slow_consumer() {
  local cmd=() pid reader i rss first="" last="" peak=0 cpu0 cpu1
  case $1 in
    kubectl) cmd=("${KUBECTL_CMD[@]}" logs -f firehose --tail 0) ;;
    *) cmd=("${ORKA_CMD[@]}" ops logs -f firehose --tail 0) ;;
  esac
  rm -f "$SCRATCH/pipe"; mkfifo "$SCRATCH/pipe"
  python3 "$BENCH_DIR/lib/slow_reader.py" "$SLOW_RATE" <"$SCRATCH/pipe" >"$SCRATCH/reader" &
  reader=$!
  "${cmd[@]}" </dev/null >"$SCRATCH/pipe" 2>"$SCRATCH/stderr" &
  pid=$!
  cpu0=$(proc_cpu_ticks "$pid")
  : >"$SCRATCH/rss"
  for ((i = 1; i <= SLOW_SECONDS; i++)); do
    sleep 1
    rss=$(proc_rss_kib "$pid")
    [[ -n $rss ]] || break
    echo "$i $rss" >>"$SCRATCH/rss"
    ((i == 10)) && first=$rss
    last=$rss
    ((rss > peak)) && peak=$rss
  done
  cpu1=$(proc_cpu_ticks "$pid")
  R_RSS=$(proc_hwm_kib "$pid")
  kill -INT "$pid" 2>/dev/null
  wait "$pid"
  wait "$reader"
  R_WALL=$SLOW_SECONDS
  R_CPU=$(ticks_to_seconds "$cpu0" "$cpu1")
  read -r lines bytes dropped <"$SCRATCH/reader"
  R_DROPPED=${dropped:-0}
  if ((i <= SLOW_SECONDS)); then
    R_NOTE="the tool ended after $i s: $(last_line "$SCRATCH/stderr")"
    return
  fi
  R_RSS_GROWTH=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.1f", 100 * (b - a) / a }')
  R_BYTES=$bytes
  R_NOTE="RSS at 10 s $((first / 1024)) MB, at ${SLOW_SECONDS} s $((last / 1024)) MB; read $lines lines"
  R_STATUS=ok
}
