# shellcheck shell=bash
# The commands people type all day: wall time, peak RSS and API requests of one invocation,
# on loopback and over the remote route. curl making the same requests is the raw-client limit.
#   scale          scale deploy/app --replicas 1 (it has 1: the same requests, no pod churn)
#   cordon         cordon NODE_B, then uncordon it (two invocations, summed)
#   delete         delete --wait of a running pod with grace 0 (1 without --force, as kubectl)
#   rr             rollout restart deploy/app, without waiting for the rollout
#   startup        `orka ops --help` with every plugin loaded, against `kubectl --help`
#   exec-true      exec POD -- true
#   pf-first-byte  from starting the forward to the first response through it
# Each contender runs once unrecorded first (quick): caches on disk (discovery) are warm, as
# they are for someone who used the tool a minute ago.

ONESHOT_CONTENDERS="orka kubectl curl"
register scale oneshot "$ONESHOT_CONTENDERS" wall "scale deploy/app --replicas 1" remote
register cordon oneshot "$ONESHOT_CONTENDERS" wall "cordon NODE, then uncordon it" remote
register delete oneshot "$ONESHOT_CONTENDERS" wall "delete --wait a running pod, grace 0" remote
register rr oneshot "$ONESHOT_CONTENDERS" wall "rollout restart deploy/app, no wait" remote
register startup oneshot "orka kubectl" wall "ops --help with every plugin loaded (kubectl --help)"
register exec-true oneshot "orka kubectl" wall "exec POD -- true" remote
register pf-first-byte oneshot "orka kubectl" wall "port-forward: start to first response byte" remote
quick scale cordon delete rr startup exec-true pf-first-byte
needs_pods exec-true "$POD"; needs_pods pf-first-byte "$POD"
for s in scale cordon delete rr startup; do
  target "$s" wall kubectl 0.5; target "$s" rss kubectl 0.3; target "$s" reqs kubectl 1
  [[ $s == startup ]] && continue
  target "$s-remote" wall kubectl 0.5; target "$s-remote" rss kubectl 0.3; target "$s-remote" reqs kubectl 1
done
for s in exec-true pf-first-byte; do
  target "$s" wall kubectl 1; target "$s-remote" wall kubectl 1; target "$s-remote" reqs kubectl 1
done

VICTIM=victim

# Runs the argument arrays named by $@ one after the other as one measurement: wall times
# added, CPU added, the largest RSS. Stops at the first failure.
measure_sequence() {
  local wall=0 cpu=0 rss=0 name rc
  for name; do
    local -n argv=$name
    measure_command /dev/null "$SCRATCH/out" "${argv[@]}"; rc=$?
    if ((rc != 0)); then R_NOTE=$(exit_note "$rc"); return 1; fi
    wall=$(awk -v a="$wall" -v b="$R_WALL" 'BEGIN { printf "%.3f", a + b }')
    cpu=$(awk -v a="$cpu" -v b="$R_CPU" 'BEGIN { printf "%.2f", a + b }')
    ((${R_RSS:-0} > rss)) && rss=$R_RSS
  done
  R_WALL=$wall R_CPU=$cpu R_RSS=$rss R_STATUS=ok
}

curl_json() {  # METHOD content-type path body -> an argument array in CURL_REQ
  CURL_REQ=("${CURL_CMD[@]}" -o /dev/null -X "$1" -H "Content-Type: $2" --data-binary "$4" "$API_URL$3")
}

run_scale() {
  local a=()
  case $1 in
    orka) a=("${ORKA_CMD[@]}" ops scale deploy/app --replicas 1) ;;
    kubectl) a=("${KUBECTL_CMD[@]}" scale deploy/app --replicas 1) ;;
    curl) curl_json PATCH application/merge-patch+json "/apis/apps/v1/namespaces/$NS/deployments/app/scale" \
            '{"spec":{"replicas":1}}'; a=("${CURL_REQ[@]}") ;;
  esac
  measure_sequence a
}

run_cordon() {
  local on=() off=()
  case $1 in
    orka) on=("${ORKA_CMD[@]}" ops cordon "$NODE_B"); off=("${ORKA_CMD[@]}" ops cordon "$NODE_B" --off) ;;
    kubectl) on=("${KUBECTL_CMD[@]}" cordon "$NODE_B"); off=("${KUBECTL_CMD[@]}" uncordon "$NODE_B") ;;
    curl)
      curl_json PATCH application/strategic-merge-patch+json "/api/v1/nodes/$NODE_B" '{"spec":{"unschedulable":true}}'
      on=("${CURL_REQ[@]}")
      curl_json PATCH application/strategic-merge-patch+json "/api/v1/nodes/$NODE_B" '{"spec":{"unschedulable":null}}'
      off=("${CURL_REQ[@]}") ;;
  esac
  measure_sequence on off
}

# A fresh running pod to delete, made before each run (untimed, not counted).
before_run_delete() {
  k delete pod "$VICTIM" --ignore-not-found --wait=true --grace-period=0 --force >/dev/null 2>&1
  apply_fixture "$BENCH_DIR/fixtures-victim.yaml"
  k wait --for=condition=Ready "pod/$VICTIM" --timeout=120s >/dev/null 2>&1 ||
    { R_NOTE="pod/$VICTIM did not become Ready"; return 1; }
}

run_delete() {
  local a=()
  case $1 in
    orka) a=("${ORKA_CMD[@]}" ops delete "$VICTIM" --grace-period 0 --wait --timeout 60s) ;;
    kubectl) a=("${KUBECTL_CMD[@]}" delete pod "$VICTIM" --grace-period=0 --wait --timeout=60s) ;;
    curl) a=("$BENCH_DIR/lib/curl_delete_wait.sh" "$API_URL" "$NS" "$VICTIM" "${CURL_AUTH[@]}") ;;
  esac
  measure_sequence a
}

# kubectl refuses a restart within the second of the last one (the annotation would not change).
before_run_rr() { sleep 1; }

run_rr() {
  local a=()
  case $1 in
    orka) a=("${ORKA_CMD[@]}" ops rr deploy/app) ;;
    kubectl) a=("${KUBECTL_CMD[@]}" rollout restart deploy/app) ;;
    curl) curl_json PATCH application/strategic-merge-patch+json "/apis/apps/v1/namespaces/$NS/deployments/app" \
            "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)\"}}}}}"
          a=("${CURL_REQ[@]}") ;;
  esac
  measure_sequence a
}

run_startup() {
  local a=()
  case $1 in
    orka) a=("$ORKA" ops --help) ;;
    kubectl) a=("$KUBECTL" --help) ;;
  esac
  measure_sequence a
}

run_exec_true() {
  local a=()
  case $1 in
    orka) a=("${ORKA_CMD[@]}" ops exec "$POD" -- true) ;;
    kubectl) a=("${KUBECTL_CMD[@]}" exec "$POD" -- true) ;;
  esac
  measure_sequence a
}

run_pf_first_byte() {
  local t0 out rc contender=$1
  [[ $contender == orka ]] && contender=orka-auto
  t0=$EPOCHREALTIME
  if start_forwarder "$contender"; then
    out=$(curl -sS -o /dev/null --max-time 30 -w '%{http_code}' "http://127.0.0.1:$FORWARD_PORT/small.txt" 2>"$SCRATCH/stderr")
    rc=$?
    R_WALL=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
    R_RSS=$(proc_hwm_kib "$FORWARDER_PID")
    R_CPU=$(ticks_to_seconds 0 "$(proc_cpu_ticks "$FORWARDER_PID")")
    if ((rc != 0)); then
      R_NOTE="curl exit $rc: $(last_line "$SCRATCH/stderr")"
    elif [[ $out != 200 ]]; then
      R_NOTE="HTTP $out"
    else
      R_STATUS=ok
    fi
  fi
  stop_forwarder
}
