# shellcheck shell=bash
# The README commands' one-line summary: which steps ran, how long each took, and on failure
# the one next thing to do. Needs fail_loudly.sh sourced first.
#
#   steps_begin [CLEANUP]        starts the clock; at exit runs CLEANUP (a command), then prints
#                                the summary
#   step TITLE NEXT-THING        the step now running, and what to do if it fails
#   steps_summary                the summary line now (for scripts that print more after it)

ORKA_STEPS_T0=$SECONDS
ORKA_STEP_TITLE=""
ORKA_STEP_NEXT=""
ORKA_STEP_T0=$SECONDS
ORKA_STEPS_DONE=()
ORKA_STEPS_SUMMARY_PRINTED=0

orka_duration() { # seconds -> "1m05s" / "42s"
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

orka_close_step() {
  [[ -n $ORKA_STEP_TITLE ]] || return 0
  ORKA_STEPS_DONE+=("$ORKA_STEP_TITLE $(orka_duration $((SECONDS - ORKA_STEP_T0)))")
  ORKA_STEP_TITLE=""
}

step() { # title next-thing
  orka_close_step
  ORKA_STEP_TITLE=$1
  ORKA_STEP_NEXT=$2
  ORKA_STEP_T0=$SECONDS
  printf '%s: == %s\n' "$ORKA_SCRIPT_NAME" "$1" >&2
}

steps_summary() { # [exit-code]
  local rc=${1:-0} total done_list
  ((ORKA_STEPS_SUMMARY_PRINTED == 0)) || return 0
  ORKA_STEPS_SUMMARY_PRINTED=1
  total=$(orka_duration $((SECONDS - ORKA_STEPS_T0)))
  if ((rc == 0)); then
    orka_close_step
    done_list=$(IFS=';'; echo "${ORKA_STEPS_DONE[*]}")
    printf '%s: OK in %s (%s)\n' "$ORKA_SCRIPT_NAME" "$total" "${done_list//;/, }"
  else
    local failed_step=${ORKA_STEP_TITLE:-start}
    printf '%s: FAILED at "%s" after %s (exit %s). Next: %s\n' "$ORKA_SCRIPT_NAME" \
      "$failed_step" "$total" "$rc" "${ORKA_STEP_NEXT:-read the error above}" >&2
  fi
}

orka_steps_exit() {
  [[ -z $ORKA_STEPS_CLEANUP ]] || $ORKA_STEPS_CLEANUP || true
  steps_summary "$1"
}

steps_begin() {
  ORKA_STEPS_CLEANUP=${1:-}
  trap 'orka_steps_exit "$?"' EXIT
  # Without these, a script ended by a signal would run its EXIT trap with the status of the
  # last command that finished, and could call itself OK.
  trap 'ORKA_STEP_NEXT="it was interrupted (SIGINT): run it again"; exit 130' INT
  trap 'ORKA_STEP_NEXT="it was ended by SIGTERM: run it again"; exit 143' TERM
  trap 'ORKA_STEP_NEXT="it was ended by SIGHUP: run it again"; exit 129' HUP
}
