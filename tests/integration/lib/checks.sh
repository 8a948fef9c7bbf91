# shellcheck shell=bash
# Sourced after lib/env.sh by the tests that run orka's ops and print one line per check:
# ORKA_PLUGIN_PATH (the build's plugin folders unless set), kubectl with timeouts, and the
# ok:/FAIL: helpers (FAILED=1 remembers a failure; a test exits non-zero when it is 1).

require_orka
FAILED=0
if [[ -z ${ORKA_PLUGIN_PATH:-} ]]; then
  plugin_dir=$(cd "$(dirname "$ORKA")/.." && pwd)/plugins
  ORKA_PLUGIN_PATH=$(ls -d "$plugin_dir"/*/ 2>/dev/null | tr '\n' ':')
  export ORKA_PLUGIN_PATH
fi

kc() { timeout 60 "$KUBECTL_BIN" --request-timeout=30s "$@"; }
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

# Creates namespace $1 and waits until its default service account has a token (pods created
# before that are refused).
create_test_namespace() {
  kc create namespace "$1" >/dev/null || fatal "create namespace $1"
  eventually 60 bash -c "[[ -n \$('$KUBECTL_BIN' -n '$1' get serviceaccount default -o jsonpath='{.secrets[0].name}' 2>/dev/null) ]]" ||
    fatal "no service-account token in $1"
}
