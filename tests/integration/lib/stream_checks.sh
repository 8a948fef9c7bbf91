# shellcheck shell=bash
# Sourced after lib/env.sh by the tests of exec and pf over the wire forms (transport_test.sh,
# modern_forms_test.sh): one line per check ("ok - ..." / "FAIL - ..." / "skip - ... (why)"),
# counted in PASSED, FAILED and SKIPPED, and the helpers they share for timing and for reading
# `orka ops pf --json` events.

PASSED=0
FAILED=0
SKIPPED=0

pass() { echo "ok - $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL - $*"; FAILED=$((FAILED + 1)); }
skip() { echo "skip - $*"; SKIPPED=$((SKIPPED + 1)); }
check() { # description command...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; return 1; fi
}
# show FILE [N]: the first lines of a command's stderr under a failed check.
show() { [[ -s $1 ]] && head -n "${2:-5}" "$1" | sed 's/^/#   /'; return 0; }
fatal() { echo "FAIL - $*"; FAILED=$((FAILED + 1)); exit 1; }
now() { date +%s.%N; }
since() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.2f}")' "$1" "$(now)"; }

# wait_for SECONDS command...: polls twice a second.
wait_for() {
  local limit=$1 i; shift
  for ((i = 0; i < limit * 2; i++)); do "$@" && return 0; sleep 0.5; done
  return 1
}

# ready_field FILE REMOTE_PORT KEY: a field of the pf --json Ready event for that remote port.
ready_field() {
  python3 -c 'import json,sys
for l in open(sys.argv[1]):
    if not l.strip(): continue
    o = json.loads(l)
    if o.get("event") == "ready" and o.get("remote_port") == int(sys.argv[2]):
        print(o.get(sys.argv[3], "")); break' "$1" "$2" "$3" 2>/dev/null
}
# count_events FILE EVENT: how many pf --json events of that kind.
count_events() { grep -c "\"event\":\"$2\"" "$1" 2>/dev/null; }

# end_stream_test RC [DIAGNOSTICS]: the EXIT trap of these tests (they set NS, TMP, STARTED,
# BG_PIDS and kc): background jobs ended, the pods and DIAGNOSTICS (a function) shown after a
# failure, the namespace deleted, the totals printed; exits non-zero when a check failed.
end_stream_test() {
  local rc=$1 diagnostics=${2:-} p
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)"
    kc get pods -o wide 2>&1 || true
    [[ -z $diagnostics ]] || "$diagnostics"
  fi
  timeout 60 "$KUBECTL_BIN" delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
  echo "run time $((SECONDS - STARTED))s; $SKIPPED skipped"
  echo "$PASSED passed, $FAILED failed"
  if [[ $FAILED != 0 ]]; then exit 1; fi
  exit "$rc"
}
