#!/usr/bin/env bash
# Integration test: `orka ops logs` over several contexts at once. A kubeconfig made in $TMP has
# three contexts: "admin" (the cluster's admin certificate), "restricted" (the restricted user's
# bearer token, given read access to this test's namespace by a Role) — the same cluster through
# two users, each context with its own credentials and connection — and "dead" (a server at
# 127.0.0.1:1, where nothing listens). Checks: `--context admin,restricted` prints the pod's lines
# once per context, each prefixed with its context, exit 0; `--json` objects carry "context";
# `--context admin,dead` prints admin's lines and reports dead's failure, exit 1; followed with
# -f, dead's failure is said while admin's lines keep arriving, and SIGINT ends it with 130;
# `--all-contexts` reads all three (exit 1 for dead); the restricted user without its Role
# (Forbidden) is that context's failure only; an unknown context name is a usage error (exit 2)
# naming it and listing the known ones, before any request. One line per check; exits non-zero
# on a failure. Uses $ORKA_BIN (else <build>/app/orka); assumes the cluster is up; makes and
# deletes its own namespace.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 240 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-contexts-$$
TMP=$(mktemp -d)
FOLLOW_PID=

cleanup() {
  local rc=$?
  [[ -n $FOLLOW_PID ]] && { kill -9 "$FOLLOW_PID" && wait "$FOLLOW_PID"; } 2>/dev/null
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)" >&2
    kc -n "$NS" get pods,roles,rolebindings -o wide >&2 2>&1 || true
    for f in "$TMP"/*.err; do [[ -s $f ]] && { echo "--- $(basename "$f")" >&2; tail -8 "$f" >&2; }; done
  fi
  finish_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ -f $RESTRICTED_KUBECONFIG ]] || fatal "no restricted kubeconfig at $RESTRICTED_KUBECONFIG"

# ---------------------------------------------------------------- the kubeconfig: three contexts
# Each user's own context, flattened (credentials inline) and renamed, then merged by kubectl
# the way KUBECONFIG lists are merged; "dead" reuses the admin user against a closed port.
ADMIN_CONTEXT=$(kc config current-context) || fatal "no current context in $KUBECONFIG"
RESTRICTED_CONTEXT=$(kc --kubeconfig "$RESTRICTED_KUBECONFIG" config current-context) ||
  fatal "no current context in $RESTRICTED_KUBECONFIG"
ADMIN_USER=$(kc config view -o jsonpath="{.contexts[?(@.name==\"$ADMIN_CONTEXT\")].context.user}")
kc config view --raw --minify --flatten --context "$ADMIN_CONTEXT" >"$TMP/admin.kubeconfig" &&
  kc --kubeconfig "$TMP/admin.kubeconfig" config rename-context "$ADMIN_CONTEXT" admin >/dev/null ||
  fatal "cannot make the admin context"
kc --kubeconfig "$RESTRICTED_KUBECONFIG" config view --raw --minify --flatten \
  --context "$RESTRICTED_CONTEXT" >"$TMP/restricted.kubeconfig" &&
  kc --kubeconfig "$TMP/restricted.kubeconfig" config rename-context "$RESTRICTED_CONTEXT" restricted >/dev/null ||
  fatal "cannot make the restricted context"
KUBECONFIG="$TMP/admin.kubeconfig:$TMP/restricted.kubeconfig" kc config view --raw --flatten \
  >"$TMP/contexts.kubeconfig" || fatal "cannot merge the two kubeconfigs"
CONTEXTS=$TMP/contexts.kubeconfig
kc --kubeconfig "$CONTEXTS" config set-cluster dead --server=https://127.0.0.1:1 >/dev/null &&
  kc --kubeconfig "$CONTEXTS" config set-context dead --cluster=dead --user="$ADMIN_USER" >/dev/null ||
  fatal "cannot add the dead context"
chmod 600 "$TMP"/*.kubeconfig
known=$(kc --kubeconfig "$CONTEXTS" config get-contexts -o name | sort | tr '\n' ' ')
[[ $known == "admin dead restricted " ]] || fatal "the test kubeconfig has contexts '$known', not admin dead restricted"

orka_contexts() { timeout 60 "$ORKA" --kubeconfig "$CONTEXTS" -n "$NS" "$@"; }

# ------------------------------------------------------------------ the pod, readable by both
create_test_namespace "$NS"
kc -n "$NS" apply -f "$FIX/multi-container.yaml" >/dev/null || fatal "apply multi-container.yaml"
RESTRICTED_USER=$(kc --kubeconfig "$CONTEXTS" config view -o jsonpath='{.contexts[?(@.name=="restricted")].context.user}')
kc -n "$NS" create role log-reader --verb=get,list,watch --resource=pods,pods/log >/dev/null &&
  kc -n "$NS" create rolebinding log-reader --role=log-reader --user="$RESTRICTED_USER" >/dev/null ||
  fatal "cannot give $RESTRICTED_USER read access to $NS"
kc -n "$NS" wait --for=condition=Ready pod/multi --timeout=120s >/dev/null || fatal "pod multi not ready"
restricted_reads() {
  "$ORKA" --kubeconfig "$CONTEXTS" --context restricted -n "$NS" ops logs multi -c main --tail 1 >/dev/null 2>&1
}
eventually 30 restricted_reads || fatal "the restricted user cannot read the pod's log even with the Role"
sleep 3  # a few lines to read

# ---------------------------------------------------------------- two users, one cluster
orka_contexts --context admin,restricted ops logs multi -c main --tail 3 >"$TMP/two.out" 2>"$TMP/two.err"
rc=$?
check "--context admin,restricted: exit 0 (got $rc)" test "$rc" -eq 0
for c in admin restricted; do
  check "--context admin,restricted: 3 lines prefixed [$c]" \
    test "$(grep -c "^\[$c\] main: [0-9]*$" "$TMP/two.out")" -eq 3
done
check "--context admin,restricted: no other output" test "$(wc -l <"$TMP/two.out")" -eq 6 -a ! -s "$TMP/two.err"

orka_contexts --context restricted,admin ops logs multi -c main --tail 2 --json >"$TMP/json.out" 2>"$TMP/json.err"
check "--json: every line object carries its context, two per context" python3 -c '
import json, sys
objects = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
lines = [o for o in objects if "line" in o]
assert all("context" in o for o in objects), objects
assert sorted(o["context"] for o in lines) == ["admin", "admin", "restricted", "restricted"], lines
assert all(o["pod"] == "multi" and o["container"] == "main" for o in lines), lines' "$TMP/json.out"

# ---------------------------------------------------------------- a context that cannot connect
orka_contexts --context admin,dead ops logs multi -c main --tail 2 >"$TMP/dead.out" 2>"$TMP/dead.err"
rc=$?
check "--context admin,dead: exit 1 (got $rc)" test "$rc" -eq 1
check "--context admin,dead: admin's lines arrive" test "$(grep -c '^\[admin\] main: [0-9]*$' "$TMP/dead.out")" -eq 2
check "--context admin,dead: dead's failure names the context and the refused connection" \
  grep -q '^error: context "dead": .*127.0.0.1:1' "$TMP/dead.err"

# Followed: dead fails at once, admin's lines go on arriving after that.
"$ORKA" --kubeconfig "$CONTEXTS" -n "$NS" --context dead,admin ops logs multi -c main -f --tail 1 \
  >"$TMP/follow.out" 2>"$TMP/follow.err" &
FOLLOW_PID=$!
dead_reported() { grep -qs '^error: context "dead"' "$TMP/follow.err"; }  # -s: orka may not have opened it yet
check "-f: dead's failure is reported while following" eventually 30 dead_reported
after_failure=$(grep -c '^\[admin\] main: ' "$TMP/follow.out")
more_lines() { [[ $(grep -c '^\[admin\] main: ' "$TMP/follow.out") -ge $((after_failure + 3)) ]]; }
check "-f: admin's lines keep arriving after dead failed ($after_failure, then more)" eventually 20 more_lines
check "-f: still following" kill -0 "$FOLLOW_PID"
kill -INT "$FOLLOW_PID" 2>/dev/null
follow_ended() { ! kill -0 "$FOLLOW_PID" 2>/dev/null; }
if eventually 15 follow_ended; then
  wait "$FOLLOW_PID"
  rc=$?
  FOLLOW_PID=
  check "-f: SIGINT ends it with 130 (got $rc)" test "$rc" -eq 130
else
  fail "-f: orka ops logs --context dead,admin -f did not exit within 15 s of SIGINT"
fi

# ---------------------------------------------------------------- every context
orka_contexts ops logs multi -c main --tail 1 --all-contexts >"$TMP/all.out" 2>"$TMP/all.err"
rc=$?
check "--all-contexts: exit 1, dead failed (got $rc)" test "$rc" -eq 1
check "--all-contexts: one line from admin and one from restricted" \
  test "$(grep -c '^\[admin\] main: ' "$TMP/all.out")" -eq 1 -a "$(grep -c '^\[restricted\] main: ' "$TMP/all.out")" -eq 1
check "--all-contexts: dead's failure reported" grep -q '^error: context "dead"' "$TMP/all.err"

# ---------------------------------------------------------------- a forbidden context
kc -n "$NS" delete rolebinding log-reader >/dev/null || fatal "cannot remove the restricted user's access"
forbidden_now() { ! restricted_reads; }
eventually 30 forbidden_now || fatal "the restricted user still reads the log without its RoleBinding"
orka_contexts --context admin,restricted ops logs multi -c main --tail 1 >"$TMP/forbidden.out" 2>"$TMP/forbidden.err"
rc=$?
check "restricted without the Role: exit 1 (got $rc)" test "$rc" -eq 1
check "restricted without the Role: admin's line still arrives" grep -q '^\[admin\] main: ' "$TMP/forbidden.out"
check "restricted without the Role: its failure says Forbidden and names the context" \
  bash -c 'grep -q "^error: context \"restricted\":" "$1" && grep -qi "forbidden" "$1"' _ "$TMP/forbidden.err"

# ---------------------------------------------------------------- a name that is not a context
orka_contexts --context admin,nope ops logs multi -c main --tail 1 >"$TMP/unknown.out" 2>"$TMP/unknown.err"
rc=$?
check "--context admin,nope: usage error, exit 2 (got $rc)" test "$rc" -eq 2
check "--context admin,nope: names nope and lists the known contexts" \
  bash -c 'grep -q "no context \"nope\"" "$1" && grep -q "known contexts: admin, dead, restricted" "$1"' _ "$TMP/unknown.err"
check "--context admin,nope: nothing printed from admin (nothing started)" test ! -s "$TMP/unknown.out"
