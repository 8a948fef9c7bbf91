# shellcheck shell=bash
# Sourced first by the tests that leave processes running in the background (an `orka ops`
# that runs until stopped, the fault proxy, a cluster component restart):
#   bound_test SECONDS "$@"  puts the test and everything it starts into a process group of its
#                            own (re-running the script under setsid when it shares its
#                            caller's) and ends that group after SECONDS at the latest;
#   end_test_group           ends every other process of the group and every child of the test
#                            (with the commands of those that are `timeout`); the test's EXIT
#                            trap calls it last, so nothing the test started outlives it;
#   finish_test RC           the usual end of that trap: the test's namespace $NS and folder
#                            $TMP removed, end_test_group, and the exit code (1 when a check
#                            failed, lib/checks.sh).
# A test killed outright (SIGKILL) still has its watchdog, which ends the group at its limit.

bound_test() {
  local limit=$1
  shift
  if [[ $(ps -o pgid= -p $$ | tr -d ' ') != "$$" ]]; then
    exec setsid "$BASH" "$0" "$@"
  fi
  (
    sleep "$limit"
    echo "FAIL: $(basename "$0") ran longer than ${limit}s; ending it and everything it started" >&2
    kill -TERM $$ 2>/dev/null
    sleep 20
    kill -KILL -- -$$ 2>/dev/null
  ) &
}

# The group's members but this shell, and this shell's children (`timeout` moves itself and its
# command into a group of their own), still alive; the helper processes of the listing itself
# are gone by the time they are checked.
other_group_members() {
  local listed p
  mapfile -t listed < <(pgrep -g $$; pgrep -P $$)
  for p in "${listed[@]}"; do
    [[ $p != "$$" && $p != "$BASHPID" ]] && kill -0 "$p" 2>/dev/null && echo "$p"
  done
}

end_test_group() {
  local p i
  trap '' TERM INT
  kill -TERM -- -$$ 2>/dev/null  # this shell ignores it now
  for p in $(other_group_members); do kill -TERM "$p" 2>/dev/null; done
  for ((i = 0; i < 50; i++)); do
    [[ -z $(other_group_members) ]] && return 0
    sleep 0.1
  done
  for p in $(other_group_members); do kill -KILL "$p" 2>/dev/null; done
  return 0
}

finish_test() {
  local rc=$1
  kc delete namespace "$NS" --wait=false >/dev/null 2>&1
  rm -rf "$TMP"
  end_test_group
  [[ $rc == 0 && $FAILED != 0 ]] && exit 1
  exit "$rc"
}
