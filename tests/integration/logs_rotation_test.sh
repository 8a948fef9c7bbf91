#!/usr/bin/env bash
# Integration test: `orka ops logs -f` loses no line and ends nothing when the kubelet rotates
# the followed log. Node 2's kubelet rotates container logs at 1 MiB (scripts/cluster); pod
# rotating-writer there prints lines 1..80000 (100 bytes each, ~200 KB/s) and exits. orka,
# following from the start, must print every line exactly once and in order and end with 0
# when the container ends; `kubectl logs` afterwards (the current file only) must show that the
# kubelet really rotated (it has lost the first lines). One line per check; exits non-zero on
# a failure. Uses $ORKA_BIN (else <build>/app/orka); assumes the cluster is up; makes and
# deletes its own namespace.
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
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)" >&2
    kc -n "$NS" get pods -o wide >&2 2>&1 || true
    [[ -s $TMP/orka.err ]] && { echo "--- orka stderr (last lines)" >&2; tail -8 "$TMP/orka.err" >&2; }
  fi
  finish_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# gaps FILE: what is wrong with FILE as the lines 1..LINES of rotating-writer, in order, each
# once; prints nothing when all is right, else the first few problems. (mawk: no {n} in
# regular expressions.)
gaps() {
  awk -v last="$LINES" '
    !/^[0-9]+ x+$/ || length($0) != 100 {
      if (problems++ < 5) printf "unexpected line %d: \"%.40s\"; ", NR, $0
      next }
    { n = $1 + 0
      if (n != prev + 1 && problems++ < 5) printf "line %d after line %d; ", n, prev
      prev = n }
    END { if (prev != last) printf "last line %d, not %d; ", prev, last }' "$1"
}

create_test_namespace "$NS"
kc -n "$NS" apply -f "$FIX/rotating-writer.yaml" >/dev/null || fatal "apply rotating-writer.yaml"
running() {
  [[ -n $(kc -n "$NS" get pod rotating-writer -o jsonpath='{.status.containerStatuses[0].state.running}' 2>/dev/null) ]]
}
eventually 60 running || fatal "pod rotating-writer never started"

timeout 180 "$ORKA" -v -n "$NS" ops logs -f rotating-writer >"$TMP/orka.out" 2>"$TMP/orka.err"
rc=$?
check "logs -f ends with 0 when the container ends (exit $rc)" test "$rc" = 0
problems=$(gaps "$TMP/orka.out")
check "logs -f printed lines 1..$LINES, each once, in order ($(wc -l <"$TMP/orka.out") lines${problems:+; $problems})" \
  test -z "$problems"

# The kubelet serves a finished container's log from its current file only: fewer lines than
# were written means it rotated while orka followed (otherwise this test proved nothing).
kept=$(kc -n "$NS" logs rotating-writer | wc -l)
check "the kubelet rotated the log meanwhile (kubectl logs now shows $kept of $LINES lines)" \
  test "$kept" -lt "$LINES"
