# shellcheck shell=bash
# Sourced first by every script a user or CI runs. Turns on errexit, nounset, pipefail and
# errtrace, and makes every unexpected failure say which step failed instead of ending the
# script without a word:
#
#   scripts/cluster: line 76: have=$(dpkg-query -W … | awk …) failed (exit 1)
#     logs: /root/.cache/orka-cluster/logs
#
# A command whose failure is expected belongs in a condition (`if`, `||`, `&&`): bash runs
# neither errexit nor this trap there.
#
# What a sourcing script may set:
#   ORKA_FAIL_LOG   a log file or folder to name in the report (a file's last lines are shown)
# What it gets:
#   die MESSAGE...  prints "<script>: ERROR: MESSAGE" on stderr and exits 1
#   need_commands CMD...  dies naming every CMD that is not on PATH and what to run about it
#
# Scripts whose failures are part of their output (the integration tests, which count their
# own checks) run without errexit; the trap stays quiet there, so a failing check is reported
# by the test itself and never twice.

set -Eeuo pipefail

ORKA_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The name reports use: the script's path as the user would type it from the repository.
ORKA_SCRIPT_NAME=$(realpath -m "$0")
ORKA_SCRIPT_NAME=${ORKA_SCRIPT_NAME#"$ORKA_REPO_ROOT"/}
ORKA_FAIL_LOG=${ORKA_FAIL_LOG:-}
# A failure inside $(…) or ( … ) is reported by that subshell and then again by the line that
# ran it; the subshell leaves its file:line here so the outer report of the same line is skipped.
ORKA_FAIL_MARK=$(mktemp -u "${TMPDIR:-/tmp}/orka-fail.$$.XXXXXX")

# The source line as written (the whole pipeline, not just its last command), or bash's own
# idea of the command when the file cannot be read.
orka_failed_step_text() { # file line fallback
  local text=""
  [[ -r $1 && $2 =~ ^[0-9]+$ ]] && text=$(sed -n "${2}p" "$1" 2>/dev/null || true)
  text=${text#"${text%%[![:space:]]*}"}
  [[ -n $text ]] || text=$3
  ((${#text} <= 200)) || text="${text:0:197}..."
  printf '%s' "$text"
}

orka_report_failure() { # exit-code line command pipestatus
  local rc=$1 line=$2 cmd=$3 pipes=$4 file=${BASH_SOURCE[1]:-$0} func=${FUNCNAME[1]:-main} where text
  [[ $- == *e* ]] || return 0
  where="$file:$line"
  if ((BASH_SUBSHELL == 0)) && [[ -f $ORKA_FAIL_MARK ]]; then
    local inner; inner=$(cat "$ORKA_FAIL_MARK" 2>/dev/null || true)
    rm -f "$ORKA_FAIL_MARK"
    [[ $inner == "$where" ]] && return 0
  fi
  ((BASH_SUBSHELL == 0)) || printf '%s' "$where" >"$ORKA_FAIL_MARK" 2>/dev/null || true
  text=$(orka_failed_step_text "$file" "$line" "$cmd")
  local shown=${file#"$ORKA_REPO_ROOT"/}
  [[ $pipes == *" "* ]] && pipes=" (pipeline exit codes: $pipes)" || pipes=""
  local in_func=""
  [[ $func == main ]] || in_func=" (in $func, called from line ${BASH_LINENO[1]:-?})"
  printf '%s: line %s: %s failed (exit %s)%s%s\n' "$shown" "$line" "$text" "$rc" "$pipes" "$in_func" >&2
  if [[ -n $ORKA_FAIL_LOG ]]; then
    if [[ -f $ORKA_FAIL_LOG ]]; then
      printf '  log: %s (last lines:)\n' "$ORKA_FAIL_LOG" >&2
      tail -n 15 "$ORKA_FAIL_LOG" 2>/dev/null | sed 's/^/    | /' >&2 || true
    else
      printf '  logs: %s\n' "$ORKA_FAIL_LOG" >&2
    fi
  fi
}
trap 'orka_report_failure "$?" "$LINENO" "$BASH_COMMAND" "${PIPESTATUS[*]}"' ERR

die() {
  printf '%s: ERROR: %s\n' "$ORKA_SCRIPT_NAME" "$*" >&2
  exit 1
}

need_commands() {
  local c missing=()
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  ((${#missing[@]} == 0)) ||
    die "not on PATH: ${missing[*]} (run scripts/install-deps, or install them with apt-get)"
}
