#!/usr/bin/env bash
# Integration test: structured logs (`orka ops logs --json-field`, `-o template=`), the logs op's
# version 2, on the real cluster. Pod "structured" prints a fixed mix of JSON lines (levels,
# nested fields, a key with a dot, an escaped newline, one nested 100 deep) and plain text; the
# output of =, ~, several fields, a template alone (plain lines as they are), a template with a
# filter, --json with and without a template is compared line for line. Bad rules are usage
# errors (exit 2) naming what is wrong. Pod "bursts" writes 2001-line bursts with one error line
# each: followed with --buffer-lines 1, `--json-field level=error` prints every burst's error
# line and no drop marker (the other lines never enter the queue), while the same follow
# without the rule shows the marker (the queue really overflows). One line per check; exits
# non-zero on a failure. Uses $ORKA_BIN (else <build>/app/orka); assumes the cluster is up;
# makes and deletes its own namespace.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 240 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-structured-logs-$$
TMP=$(mktemp -d)
declare -A PID

# finish_test also ends the followers if the test dies while they run (lib/bounded.sh).
cleanup() {
  local rc=$?
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- pods and orka's stderr (namespace $NS)" >&2
    kc -n "$NS" get pods -o wide >&2 2>&1 || true
    for f in "$TMP"/*.err; do [[ -s $f ]] && { echo "--- $(basename "$f")" >&2; tail -5 "$f" >&2; }; done
  fi
  finish_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

logs() { timeout 60 "$ORKA" -n "$NS" ops logs "$@"; }
# same NAME ARGS...: orka's output for ARGS equals $TMP/NAME.want, exit 0.
same() {
  local name=$1; shift
  logs "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  local rc=$?
  if [[ $rc == 0 ]] && cmp -s "$TMP/$name.want" "$TMP/$name.out"; then
    pass "$name: orka ops logs $*"
  else
    fail "$name: orka ops logs $* (exit $rc); differences (want / got):"
    diff "$TMP/$name.want" "$TMP/$name.out" | head -20 >&2
  fi
}
# want NAME LINES...: the output expected of check NAME.
want() {
  local name=$1; shift
  if (($#)); then printf '%s\n' "$@"; fi >"$TMP/$name.want"
}

open=$(printf '%0100d' 0 | tr 0 '[')
close=$(printf '%0100d' 0 | tr 0 ']')
L1='{"level":"info","msg":"started","http":{"status":200,"path":"/"},"n":1}'
L2='plain start-up line'
L3='{"level":"error","msg":"db down","http":{"status":503,"path":"/api"},"n":2}'
L4='{"level":"warn","msg":"slow","http":{"status":504},"service":"api-gw","n":3}'
L5='{"level":"error","msg":"disk \"full\"","service":"web","k8s.io/app":"store","n":4}'
L6='{"level":"info","msg":"multi\nline","n":5}'
L7='not {json'
L8='{"level":"error","n":6}'
L9="{\"level\":\"error\",\"deep\":${open}1${close},\"n\":7}"
L10='end of log'

create_test_namespace "$NS"
kc -n "$NS" apply -f "$FIX/structured-logs.yaml" >/dev/null || fatal "apply structured-logs.yaml"
# logged POD TEXT: the pod's log holds TEXT (read whole first: grep -q would cut kubectl off).
logged() {
  local log
  log=$(kc -n "$NS" logs "$1" 2>/dev/null) && grep -qF -- "$2" <<<"$log"
}
eventually 90 logged structured 'end of log' || fatal "pod structured never printed its lines"
want whole "$L1" "$L2" "$L3" "$L4" "$L5" "$L6" "$L7" "$L8" "$L9" "$L10"
same whole structured

# ------------------------------------------------------------------ filters
want equals "$L3" "$L5" "$L8"
same equals structured --json-field level=error
want regex "$L3" "$L4"
same regex structured --json-field 'http.status~^5'
want several "$L5"
same several structured --json-field level=error --json-field service=web
want alternation "$L3" "$L4" "$L5" "$L8"
same alternation structured --json-field 'level~^(warn|error)$'
want dotted_key "$L5"
same dotted_key structured --json-field 'k8s\.io/app=store'
want number_text "$L1"
same number_text structured --json-field http.status=200
want presence "$L3" "$L4" "$L5" "$L6"
same presence structured --json-field 'msg~' --json-field 'level~^(info|warn|error)$' --json-field 'n~^[2-5]$'
want nothing
same nothing structured --json-field level=fatal

# ------------------------------------------------------------------ templates
want template 'info 200 started' "$L2" 'error 503 db down' 'warn 504 slow' 'error  disk "full"' \
  'info  multi\nline' "$L7" 'error  ' "$L9" "$L10"
same template structured -o 'template={{.level}} {{.http.status}} {{ .msg }}'
want template_filtered '2:' '4:store' '6:'
same template_filtered structured --json-field level=error -o 'template={{.n}}:{{.k8s\.io/app}}'
want template_object '{"status":503,"path":"/api"}' '{"status":504}'
same template_object structured --json-field 'http.status~^5' --output 'template={{.http}}'

# --json: the line is the rendered one with a template, the raw one without (unchanged form).
logs structured --json --json-field level=warn -o 'template={{.msg}}' >"$TMP/json_template.out" 2>"$TMP/json_template.err"
check "--json with a template: the object's line is the rendered line" \
  test "$(grep '"line"' "$TMP/json_template.out" | sed 's/.*"line":"\([^"]*\)".*/\1/')" = slow
logs structured -o json --json-field level=warn >"$TMP/json_raw.out" 2>"$TMP/json_raw.err"
check "-o json without a template: the raw line, as --json prints it" \
  grep -qF '"line":"{\"level\":\"warn\",\"msg\":\"slow\",\"http\":{\"status\":504},\"service\":\"api-gw\",\"n\":3}"' "$TMP/json_raw.out"
timestamped() { grep '"line"' "$1" | grep '"container":"app"' | grep '"pod":"structured"' | grep -q '"timestamp":"20[0-9-]*T'; }
check "-o json: objects with pod, container and timestamp as --json" timestamped "$TMP/json_raw.out"

# ------------------------------------------------------------------ bad rules: usage errors
bad() {
  local what=$1 message=$2; shift 2
  logs structured "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
  local rc=$?
  if [[ $rc == 2 ]] && grep -qF -- "$message" "$TMP/bad.err" && [[ ! -s $TMP/bad.out ]]; then
    pass "$what: exit 2, \"$message\""
  else
    fail "$what: want exit 2 and \"$message\", got exit $rc: $(head -3 "$TMP/bad.err")"
  fi
}
bad "no operator" '--json-field "level" has neither = nor ~ after the key' --json-field level
bad "bad regex" '--json-field "msg~(x": "(x" is not a valid regular expression' --json-field 'msg~(x'
bad "empty key segment" 'the key has an empty segment' --json-field 'http..status=1'
bad "not a field reference" 'template {{level}} at column 1 is not a field reference' -o 'template={{level}}'
bad "unclosed action" 'has an unclosed {{ at column 7' -o 'template=level {{.level'
bad "unknown output" '-o/--output "yaml" is not an output format' -o yaml

# ------------------------------------------------------------------ before the bounded queue
eventually 60 logged bursts '"burst":3' || fatal "pod bursts never printed three bursts"
"$ORKA" -n "$NS" ops logs -f --tail 0 --buffer-lines 1 --json-field level=error bursts \
  >"$TMP/filtered.out" 2>"$TMP/filtered.err" &
PID[filtered]=$!
"$ORKA" -n "$NS" ops logs -f --tail 0 --buffer-lines 1 bursts >"$TMP/unfiltered.out" 2>"$TMP/unfiltered.err" &
PID[unfiltered]=$!
bursts_seen() { [[ $(grep -c '"burst"' "$TMP/filtered.out") -ge 4 ]]; }
eventually 60 bursts_seen || fail "fewer than 4 bursts' error lines within 60 s"
for f in filtered unfiltered; do kill -INT "${PID[$f]}" 2>/dev/null; done
for f in filtered unfiltered; do wait "${PID[$f]}"; unset "PID[$f]"; done

numbers=$(sed -n 's/^{"level":"error","burst":\([0-9]*\)}$/\1/p' "$TMP/filtered.out")
first=$(head -1 <<<"$numbers")
last=$(tail -1 <<<"$numbers")
check "filtered: only the error lines ($(wc -l <"$TMP/filtered.out") lines, bursts ${first:-?}..${last:-?})" \
  test "$(grep -vc '^{"level":"error","burst":[0-9]*}$' "$TMP/filtered.out")" = 0
check "filtered: every burst's error line, none lost (${first:-?}..${last:-?} consecutive)" \
  test -n "$first" -a "$(wc -l <<<"$numbers")" -eq "$((last - first + 1))"
check "filtered with --buffer-lines 1: no '... lines dropped ...' marker (filtered lines never queued)" \
  lacks "$TMP/filtered.out" 'dropped ...'
check "unfiltered with --buffer-lines 1: the same log overflows the queue (marker present)" \
  grep -q '^\.\.\. [0-9]* lines dropped \.\.\.$' "$TMP/unfiltered.out"

[[ $FAILED == 0 ]] && echo "all structured-log checks passed"
exit $FAILED
