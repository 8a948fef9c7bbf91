#!/usr/bin/env bash
# The failure paths of the scripts a user or CI runs: each must end non-zero with a line that
# names what failed (scripts/lib/fail_loudly.sh, scripts/lib/steps.sh), never silently.
# Runs real scripts with a real fault: a command missing from PATH, an unprivileged user, an
# unwritable build directory, a bad argument. One "ok:"/"FAIL:" line per check, then
# "N passed, M failed"; exits non-zero when a check failed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
TMP=$(mktemp -d)
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

# expect NAME WANT-RC PATTERN command...: runs command, stderr+stdout to a file; the exit code
# must be WANT-RC ("nonzero" for any) and the output must match the extended regex PATTERN.
expect() {
  local name=$1 want=$2 pattern=$3 rc=0 out=$TMP/out.$((passed + failed)); shift 3
  LAST_OUT=$out
  timeout 120 "$@" >"$out" 2>&1 </dev/null || rc=$?
  if { [[ $want == nonzero ]] && ((rc != 0)) || [[ $rc == "$want" ]]; } && grep -qE -- "$pattern" "$out"; then
    echo "ok: $name"; passed=$((passed + 1))
  else
    echo "FAIL: $name (exit $rc, wanted $want and /$pattern/); output:"; sed 's/^/  | /' "$out" | head -20
    failed=$((failed + 1))
  fi
}
last_output() { echo "$LAST_OUT"; }
output_has() { # NAME PATTERN: the last expect's output must match PATTERN too
  if grep -qE -- "$2" "$(last_output)"; then echo "ok: $1"; passed=$((passed + 1)); else echo "FAIL: $1"; failed=$((failed + 1)); fi
}
refute_output() { # NAME PATTERN: the last expect's output must not match PATTERN
  if grep -qE -- "$2" "$(last_output)"; then echo "FAIL: $1"; failed=$((failed + 1)); else echo "ok: $1"; passed=$((passed + 1)); fi
}

# A bin directory with just what the scripts' own plumbing needs, so that a tool can be left out.
minimal_path() { # dir tool...
  local d=$1 t; shift; mkdir -p "$d"
  for t in bash env dirname basename realpath mktemp sed grep awk cat rm mkdir tail head id date cut "$@"; do
    ln -sf "$(command -v "$t")" "$d/$t"
  done
}
as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$TMP/home")
mkdir -p "$TMP/home"; chmod 777 "$TMP/home"
# The user runs a copy: the checkout may be in a home only root can read (/root in the rehearsal).
COPY=$TMP/copy
mkdir -p "$COPY/tests"
cp -r "$ROOT/scripts" "$ROOT/bench" "$COPY/"
cp -r "$ROOT/tests/integration" "$COPY/tests/"
chmod -R a+rX "$COPY"

# --- the shared library itself
mkdir -p "$TMP/repo/scripts"
cp -r "$ROOT/scripts/lib" "$TMP/repo/scripts/lib"
cat >"$TMP/repo/scripts/pipeline" <<'S'
#!/usr/bin/env bash
source "$(dirname "$0")/lib/fail_loudly.sh"
quiet=$(false) || true
if false; then :; fi
check_installed() { have=$(dpkg-query -W orka-no-such-package 2>/dev/null | awk '{print $1}'); }
check_installed
echo "not reached"
S
expect "a failing pipeline in a function names file, line, the whole command and the caller" 1 \
  '^scripts/pipeline: line 5: check_installed\(\) \{ have=\$\(dpkg-query -W orka-no-such-package 2>/dev/null \| awk .*\} failed \(exit 1\) \(in check_installed, called from line 6\)$' \
  bash "$TMP/repo/scripts/pipeline"
refute_output "expected failures in conditions stay quiet, and nothing runs after the failure" 'line [34]:|not reached'
if [[ $(grep -c 'failed (exit' "$(last_output)") == 1 ]]; then
  echo "ok: a failure inside \$( ) is reported once"; passed=$((passed + 1))
else
  echo "FAIL: a failure inside \$( ) is reported once"; failed=$((failed + 1))
fi

cat >"$TMP/repo/scripts/logged" <<'S'
#!/usr/bin/env bash
source "$(dirname "$0")/lib/fail_loudly.sh"
ORKA_FAIL_LOG=$1
echo "the last thing the tool said" >"$ORKA_FAIL_LOG"
cat /nonexistent/orka-file
S
expect "the report names the log and shows its last lines" 1 \
  'log: .*/tool.log \(last lines:\)' bash "$TMP/repo/scripts/logged" "$TMP/tool.log"
output_has "... including the log's text" '\| the last thing the tool said' 

cat >"$TMP/repo/scripts/stepper" <<'S'
#!/usr/bin/env bash
source "$(dirname "$0")/lib/fail_loudly.sh"
source "$(dirname "$0")/lib/steps.sh"
steps_begin
step "first" "nothing"
step "second" "run the second thing by hand"
[[ ${1:-} == ok ]] || false
S
expect "steps: a failure prints the step, time, exit code and the next thing to do" 1 \
  '^scripts/stepper: FAILED at "second" after [0-9]+s \(exit 1\)\. Next: run the second thing by hand$' \
  bash "$TMP/repo/scripts/stepper"
expect "steps: success prints every step with its time" 0 '^scripts/stepper: OK in [0-9]+s \(first [0-9]+s, second [0-9]+s\)$' \
  bash "$TMP/repo/scripts/stepper" ok

cat >"$TMP/repo/scripts/sleeper" <<'S'
#!/usr/bin/env bash
source "$(dirname "$0")/lib/fail_loudly.sh"
source "$(dirname "$0")/lib/steps.sh"
steps_begin
step "wait" "nothing"
sleep 30 &
echo started >"$1"
wait
S
cat >"$TMP/signal_the_sleeper" <<'S'
bash "$1/repo/scripts/sleeper" "$1/sleeper.started" & pid=$!
for _ in $(seq 100); do [[ -f $1/sleeper.started ]] && break; sleep 0.1; done
kill -TERM "$pid"; wait "$pid"
S
expect "steps: a script ended by SIGTERM says so instead of OK" 143 \
  '^scripts/sleeper: FAILED at "wait" after [0-9]+s \(exit 143\)\. Next: it was ended by SIGTERM' \
  bash "$TMP/signal_the_sleeper" "$TMP"

# --- the real scripts
minimal_path "$TMP/nomeson"
expect "scripts/build without meson on PATH says what is missing" 1 \
  'scripts/build: ERROR: not on PATH: meson ninja g\+\+ \(run scripts/install-deps' \
  env PATH="$TMP/nomeson" "$TMP/nomeson/bash" "$ROOT/scripts/build"

minimal_path "$TMP/nodpkg" find sort stat
expect "scripts/install-deps as a user without root or sudo says it needs root" 1 \
  'installing packages needs root' "${as_nobody[@]}" PATH="$TMP/nodpkg" "$TMP/nodpkg/bash" "$COPY/scripts/install-deps"

expect "scripts/cluster with an unknown command prints its usage" 2 'usage: .*prepare\|up\|down' \
  "$ROOT/scripts/cluster" nonsense
expect "scripts/cluster prepare as a user says it must run as root" 1 'scripts/cluster: ERROR: must run as root' \
  "${as_nobody[@]}" "$COPY/scripts/cluster" prepare
expect "scripts/rehearse with an unknown argument prints its usage" 2 'usage: scripts/rehearse' \
  "$ROOT/scripts/rehearse" --nonsense
expect "scripts/rehearse as a user says it must run as root" 1 'scripts/rehearse: ERROR: must run as root' \
  "${as_nobody[@]}" "$COPY/scripts/rehearse"

# The README commands: a build that cannot even be configured ends in the one-line summary.
expect "scripts/quickstart: a failing build ends with the failed step and what to do next" 1 \
  '^scripts/quickstart: FAILED at "build orka" after [0-9]+s \(exit 1\)\. Next: read the compiler message above' \
  env ORKA_BUILD_DIR=/proc/orka-unwritable ORKA_LOG_DIR="$TMP/logs" "$ROOT/scripts/quickstart"
output_has "... after scripts/build said why" 'scripts/build: ERROR: meson setup failed' 
expect "scripts/test: a failing build ends with the failed step and what to do next" 1 \
  '^scripts/test: FAILED at "build orka \(-Werror\)" after [0-9]+s \(exit 1\)\. Next:' \
  env ORKA_BUILD_DIR=/proc/orka-unwritable ORKA_LOG_DIR="$TMP/logs" "$ROOT/scripts/test"

expect "tests/integration/run.sh: a cluster that cannot start is a counted failure" 1 \
  '^0 passed, 1 failed$' \
  "${as_nobody[@]}" ORKA_CLUSTER_DIR="$TMP/home/cluster" "$COPY/tests/integration/run.sh"
output_has "... after the cluster's own report of why" 'scripts/cluster: ERROR: must run as root' 
expect "bench/run with a bad --runs names the flag" 2 'bench/run: --runs must be a positive whole number' \
  "$ROOT/bench/run" --runs abc

echo "$passed passed, $failed failed"
((failed == 0))
