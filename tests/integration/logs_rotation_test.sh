#!/usr/bin/env bash
# Integration test: `orka ops logs -f` loses no line and ends nothing when the kubelet rotates
# the followed log. Node 2's kubelet rotates container logs at 1 MiB (scripts/cluster); pod
# rotating-writer there prints lines 1..80000 (100 bytes each, ~200 KB/s) and exits. orka,
# following from the start, must print every line exactly once and in order and end with 0
# when the container ends; `kubectl logs` afterwards (the current file only) must show that the
# kubelet really rotated (it has lost the first lines). One line per check; exits non-zero on
# a failure. Uses $ORKA_BIN (else <build>/app/orka); assumes the cluster is up; makes and
# deletes its own namespace.
#
# One loss is the kubelet's own and excused, exactly: when its follow reader notices a rotation
# it opens the new file and never reads the rest of the old one, so the lines the runtime wrote
# into the renamed file after the reader's last read (before the runtime reopened the log) reach
# no client (kubernetes' pkg/kubelet/kuberuntime/logs ReadLogs on a rename event); the API
# serves only the current file, so nobody can ask for them again. The test keeps read-only
# copies of the rotated files on node 2 (reading raises no event the kubelet watches) and
# excuses a missing run of lines only when it is the end of one rotated file, not all of it, and
# the next line printed is the first of the next file. Every other missing, doubled or
# misplaced line fails.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 240 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-logs-rotation-$$
TMP=$(mktemp -d)
LINES=80000

cleanup() {
  local rc=$?
  [[ -n ${copier:-} ]] && kill "$copier" 2>/dev/null
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)" >&2
    kc -n "$NS" get pods -o wide >&2 2>&1 || true
    [[ -s $TMP/orka.err ]] && { echo "--- orka stderr (last lines)" >&2; tail -8 "$TMP/orka.err" >&2; }
  fi
  finish_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# rotated_ranges: "first last" line numbers of each rotated file copied, one file a line.
rotated_ranges() {
  local f
  for f in "$TMP"/rotated/*; do
    [[ -f $f ]] || continue
    awk 'NF >= 5 { n = $4 + 0; if (!first) first = n; last = n } END { if (first) print first, last }' "$f"
  done
}

# gaps FILE: what is wrong with FILE as the lines 1..LINES of rotating-writer, in order, each
# once, but for the kubelet's own drops (above; their count goes to $TMP/excused); prints
# nothing when all is right, else the first few problems. (mawk: no {n} in regular
# expressions.)
gaps() {
  rotated_ranges >"$TMP/ranges"
  awk -v last="$LINES" -v excused_file="$TMP/excused" '
    FNR == NR { first_of[$2] = $1; next }
    !/^[0-9]+ x+$/ || length($0) != 100 {
      if (problems++ < 5) printf "unexpected line %d: \"%.40s\"; ", FNR, $0
      next }
    { n = $1 + 0
      if (n > prev + 1 && ((n - 1) in first_of) && first_of[n - 1] <= prev) {
        excused += n - 1 - prev
        runs = runs sprintf("%d-%d ", prev + 1, n - 1)
      } else if (n != prev + 1 && problems++ < 5) {
        printf "line %d after line %d; ", n, prev
      }
      prev = n }
    END {
      if (prev != last) printf "last line %d, not %d; ", prev, last
      printf "%d %s\n", excused, runs > excused_file }' "$TMP/ranges" "$1"
}

# Copies each rotated log file of the pod on node 2 into $TMP/rotated whenever its size changed
# (the runtime may still write to it just after the rename); runs until killed.
copy_rotated() {
  local f copy
  mkdir -p "$TMP/rotated"
  while :; do
    for f in "$CLUSTER_DIR"/nodes/node2/log-pods/"${NS}"_rotating-writer_*/app/0.log.*; do
      [[ -f $f ]] || continue
      copy=$TMP/rotated/$(basename "$f")
      [[ -f $copy && $(stat -c %s "$f" 2>/dev/null) == "$(stat -c %s "$copy")" ]] || cp "$f" "$copy" 2>/dev/null
    done
    sleep 0.05
  done
}

create_test_namespace "$NS"
kc -n "$NS" apply -f "$FIX/rotating-writer.yaml" >/dev/null || fatal "apply rotating-writer.yaml"
running() {
  [[ -n $(kc -n "$NS" get pod rotating-writer -o jsonpath='{.status.containerStatuses[0].state.running}' 2>/dev/null) ]]
}
eventually 60 running || fatal "pod rotating-writer never started"

copy_rotated &
copier=$!
timeout 180 "$ORKA" -v -n "$NS" ops logs -f rotating-writer >"$TMP/orka.out" 2>"$TMP/orka.err"
rc=$?
sleep 0.2
kill "$copier" 2>/dev/null
wait "$copier" 2>/dev/null
check "logs -f ends with 0 when the container ends (exit $rc)" test "$rc" = 0
problems=$(gaps "$TMP/orka.out")
read -r excused runs <"$TMP/excused"
check "logs -f printed lines 1..$LINES, each once, in order ($(wc -l <"$TMP/orka.out") lines; $(ls "$TMP/rotated" | wc -l) rotated files copied; ${excused:-0} lines the kubelet dropped at a rotation excused${runs:+: $runs}${problems:+; $problems})" \
  test -z "$problems"

# The kubelet serves a finished container's log from its current file only: fewer lines than
# were written means it rotated while orka followed (otherwise this test proved nothing).
kept=$(kc -n "$NS" logs rotating-writer | wc -l)
check "the kubelet rotated the log meanwhile (kubectl logs now shows $kept of $LINES lines)" \
  test "$kept" -lt "$LINES"
