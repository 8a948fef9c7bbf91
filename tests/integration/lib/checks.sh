# shellcheck shell=bash
# Sourced by the integration tests after lib/env.sh: one line per check ("ok: ..." on stdout,
# "FAIL: ..." on stderr; FAILED=1 remembers a failure), and the plugins of the build under test.

FAILED=0
fail() { echo "FAIL: $*" >&2; FAILED=1; }
pass() { echo "ok: $*"; }
fatal() { echo "FAIL: $*" >&2; exit 1; }
check() { # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
contains() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
# Polls `command` every second for up to $1 seconds.
eventually() {
  local limit=$1; shift
  for ((i = 0; i < limit; i++)); do "$@" && return 0; sleep 1; done
  return 1
}

# The op plugins next to the orka under test (<build>/plugins/*/), unless ORKA_PLUGIN_PATH is set.
if [[ -z ${ORKA_PLUGIN_PATH:-} ]]; then
  plugin_dir=$(cd "$(dirname "$ORKA")/.." && pwd)/plugins
  ORKA_PLUGIN_PATH=$(ls -d "$plugin_dir"/*/ 2>/dev/null | tr '\n' ':')
  export ORKA_PLUGIN_PATH
fi
