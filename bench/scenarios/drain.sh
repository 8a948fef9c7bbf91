# shellcheck shell=bash
# Draining a node: the second node (NODE_B) holds the 40 pods of deploy/drain40 (nothing of
# the bench's own runs there).
#   drain-dry-run  drain --dry-run: what would be evicted (also over the remote route)
#   drain          drain with grace 1 s: wall time and API requests; between runs the node is
#                  uncordoned and the 40 pods come back (untimed)

DRAIN_PODS=40
DRAIN_GRACE=1

register drain-dry-run drain "orka kubectl" wall "drain --dry-run of a node with $DRAIN_PODS pods" remote
register drain drain "orka kubectl" wall "drain a node with $DRAIN_PODS pods, grace ${DRAIN_GRACE} s"
long drain
quick drain-dry-run
target drain-dry-run wall kubectl 1
target drain-dry-run-remote wall kubectl 1
target drain-dry-run-remote reqs kubectl 1
target drain wall value $((DRAIN_GRACE + 2))
target drain reqs kubectl 1

drain_pods_up() {
  k get deploy/drain40 >/dev/null 2>&1 || apply_fixture "$BENCH_DIR/fixtures-drain.yaml"
  "$KUBECTL" uncordon "$NODE_B" >/dev/null || return 1
  k scale deploy/drain40 --replicas "$DRAIN_PODS" >/dev/null || return 1
  k rollout status deploy/drain40 --timeout=600s >/dev/null ||
    { R_NOTE="deploy/drain40 did not get $DRAIN_PODS ready pods on $NODE_B"; say "$R_NOTE"; return 1; }
  at_end drain_pods_down
}
drain_pods_down() {
  "$KUBECTL" uncordon "$NODE_B" >/dev/null 2>&1
  k scale deploy/drain40 --replicas 0 >/dev/null 2>&1
}

setup_drain_dry_run() { drain_pods_up; }
setup_drain() { drain_pods_up; }
before_run_drain() { drain_pods_up; }
teardown_drain() { drain_pods_down; }

drain_flags() {  # contender -> the flags both tools need for this node
  if [[ $1 == kubectl ]]; then
    echo "--ignore-daemonsets --delete-emptydir-data --grace-period=$DRAIN_GRACE --timeout=120s"
  else
    echo "--ignore-daemonsets --delete-emptydir-data --grace-period $DRAIN_GRACE --timeout 120s"
  fi
}

run_drain_dry_run() {
  local a=() flags
  read -r -a flags <<<"$(drain_flags "$1")"
  case $1 in
    kubectl) a=("${KUBECTL_CMD[@]}" drain "$NODE_B" --dry-run=client "${flags[@]}") ;;
    *) a=("${ORKA_CMD[@]}" ops drain "$NODE_B" --dry-run "${flags[@]}") ;;
  esac
  measure_sequence a
}

run_drain() {
  local a=() flags
  read -r -a flags <<<"$(drain_flags "$1")"
  case $1 in
    kubectl) a=("${KUBECTL_CMD[@]}" drain "$NODE_B" "${flags[@]}") ;;
    *) a=("${ORKA_CMD[@]}" ops drain "$NODE_B" "${flags[@]}") ;;
  esac
  measure_sequence a
  local left
  left=$(k get pods -l app=drain40 --field-selector "spec.nodeName=$NODE_B,status.phase=Running" -o name 2>/dev/null | wc -l)
  if [[ $R_STATUS == ok ]] && ((left > 0)); then
    R_STATUS=FAILED; R_NOTE="$left pods still running on $NODE_B after the drain ended"
  fi
}
