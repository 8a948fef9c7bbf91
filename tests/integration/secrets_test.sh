#!/usr/bin/env bash
# Integration test: no credential reaches orka's output at any verbosity. Every op (logs, exec,
# pf, scale, rr, delete, cordon/uncordon, drain --dry-run, caps) runs at -v and -vv against the
# real cluster as three users — a bearer-token user (restricted.kubeconfig), a client-certificate
# user (admin.kubeconfig) and an exec-plugin user (a script printing an ExecCredential with the
# restricted token) — plus a failing exec plugin that prints its token on stderr. Every byte of
# stdout and stderr is searched for the token, the client key (base64 and each PEM body line)
# and the exec plugin's token: none may appear. Harmless forms only: the mutating ops act on
# this test's own namespace, a node that does not exist, or --dry-run.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
require_orka
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-secrets-$$
TMP=$(mktemp -d)
ADMIN_KUBECONFIG=$KUBECONFIG

kc() { timeout 60 "$KUBECTL_BIN" --kubeconfig "$ADMIN_KUBECONFIG" --request-timeout=30s "$@"; }

cleanup() {
  local rc=$?
  kc delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [[ $rc == 0 && $FAILED != 0 ]]; then exit 1; fi
}
trap cleanup EXIT

# ------------------------------------------------------------------------------ the secrets
field() { sed -n "s/^ *$1: *//p" "$2" | head -1; }
TOKEN=$(field token "$RESTRICTED_KUBECONFIG")
KEY_DATA=$(field client-key-data "$ADMIN_KUBECONFIG")
[[ -n $TOKEN ]] || fatal "no token in $RESTRICTED_KUBECONFIG"
[[ -n $KEY_DATA ]] || fatal "no client-key-data in $ADMIN_KUBECONFIG"
SERVER=$(field server "$ADMIN_KUBECONFIG")
CA_DATA=$(field certificate-authority-data "$ADMIN_KUBECONFIG")

# What must never appear: one fixed string per line (never printed by this test).
PATTERNS=$TMP/secrets.txt
{
  echo "$TOKEN"
  echo "$KEY_DATA"
  # Every PEM body line of the key, and pieces of the base64 a wrapped or cut print would keep.
  base64 -d <<<"$KEY_DATA" | grep -v -- '-----' | grep -E '.{16,}'
  for ((at = 0; at + 24 <= ${#KEY_DATA}; at += 200)); do echo "${KEY_DATA:at:24}"; done
  for ((at = 0; at + 16 <= ${#TOKEN}; at += 16)); do echo "${TOKEN:at:16}"; done
} >"$PATTERNS"
(($(wc -l <"$PATTERNS") >= 5)) || fatal "too few secret patterns"

# The exec-plugin user: the restricted token, handed over by a script.
cat >"$TMP/token-plugin.sh" <<SCRIPT
#!/bin/sh
printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"$TOKEN"}}'
SCRIPT
# A plugin that fails and, as some do, prints the token in its complaint.
cat >"$TMP/leaky-plugin.sh" <<SCRIPT
#!/bin/sh
echo "failing plugin token=$TOKEN (refresh failed)" >&2
echo "cached credential: $TOKEN" >&2
exit 1
SCRIPT
chmod 700 "$TMP/token-plugin.sh" "$TMP/leaky-plugin.sh"
exec_kubeconfig() { # file plugin
  cat >"$1" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: orka
  cluster:
    server: $SERVER
    certificate-authority-data: $CA_DATA
users:
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $2
      interactiveMode: Never
contexts:
- name: exec@orka
  context: {cluster: orka, user: exec-user, namespace: $NS}
current-context: exec@orka
YAML
  chmod 600 "$1"
}
exec_kubeconfig "$TMP/exec.kubeconfig" "$TMP/token-plugin.sh"
exec_kubeconfig "$TMP/leaky.kubeconfig" "$TMP/leaky-plugin.sh"

# ------------------------------------------------------------------------------ targets
kc create namespace "$NS" >/dev/null || fatal "create namespace $NS"
eventually 60 bash -c "[[ -n \$('$KUBECTL_BIN' --kubeconfig '$ADMIN_KUBECONFIG' -n '$NS' get serviceaccount default -o jsonpath='{.secrets[0].name}' 2>/dev/null) ]]" ||
  fatal "no service-account token in $NS"
kc -n "$NS" apply -f "$FIX/web.yaml" >/dev/null || fatal "apply web.yaml"
kc -n "$NS" rollout status deploy/web --timeout=120s >/dev/null || fatal "web did not become ready"
NODE=$(kc get nodes -o jsonpath='{.items[0].metadata.name}')
NO_NODE=orka-no-such-node-$$

# ------------------------------------------------------------------------------ the runs
RUNS=0
run_op() { # user-label kubeconfig verbosity op-args...
  local user=$1 config=$2 verbosity=$3; shift 3
  local name
  name=$(printf '%s' "$user$verbosity-$*" | tr -c 'A-Za-z0-9_-' '_' | cut -c1-120)
  RUNS=$((RUNS + 1))
  # pf never ends by itself: Ctrl-C after a few seconds, as a person would.
  if [[ $1 == pf ]]; then
    timeout --preserve-status -s INT 6 "$ORKA" --kubeconfig "$config" "$verbosity" -n "$NS" ops "$@" \
      >"$TMP/out/$name.out" 2>"$TMP/out/$name.err" </dev/null
  else
    timeout 120 "$ORKA" --kubeconfig "$config" "$verbosity" -n "$NS" ops "$@" \
      >"$TMP/out/$name.out" 2>"$TMP/out/$name.err" </dev/null
  fi
  echo "$?" >"$TMP/out/$name.rc"
}
mkdir -p "$TMP/out"
OPS=(
  "logs deploy/web --tail 5"
  "exec deploy/web -- echo hello"
  "pf deploy/web :8080"
  "scale deploy/web --replicas 2"
  "rr deploy/web"
  "delete pod/orka-no-such-pod"
  "cordon $NO_NODE"
  "uncordon $NO_NODE"
  "drain $NODE --dry-run --ignore-daemonsets --pod-selector app=orka-none"
  "caps"
)
for user in token:"$RESTRICTED_KUBECONFIG" cert:"$ADMIN_KUBECONFIG" exec:"$TMP/exec.kubeconfig" \
            leaky-exec:"$TMP/leaky.kubeconfig"; do
  for verbosity in -v -vv; do
    for op in "${OPS[@]}"; do
      # shellcheck disable=SC2086  # one op line → its words
      run_op "${user%%:*}" "${user#*:}" "$verbosity" $op
    done
  done
done
echo "ran $RUNS op invocations"

# ------------------------------------------------------------------------------ the checks
leaks=0
for f in "$TMP"/out/*.out "$TMP"/out/*.err; do
  if grep -qF -f "$PATTERNS" -- "$f"; then
    # Say where, never what.
    fail "a credential appears in $(basename "$f") (line $(grep -nF -f "$PATTERNS" -- "$f" | head -1 | cut -d: -f1))"
    leaks=$((leaks + 1))
  fi
done
((leaks == 0)) && pass "no token, client key or exec-plugin token in $(ls "$TMP"/out/*.out "$TMP"/out/*.err | wc -l) output files"

# The search means something only if the runs did what they should and printed their traffic.
all_err() { cat "$TMP"/out/"$1"*.err; }
rc_of() { cat "$TMP/out/$(printf '%s' "$1" | tr -c 'A-Za-z0-9_-' '_' | cut -c1-120).rc"; }
[[ $(rc_of "cert-v-logs deploy/web --tail 5") == 0 ]] && pass "admin logs ran (exit 0)" || fail "admin logs did not run"
[[ $(rc_of "cert-vv-exec deploy/web -- echo hello") == 0 ]] && pass "admin exec ran (exit 0)" || fail "admin exec did not run"
[[ $(rc_of "cert-vv-pf deploy/web :8080") == 130 ]] && pass "admin pf forwarded until Ctrl-C (exit 130)" || fail "admin pf exit $(rc_of "cert-vv-pf deploy/web :8080")"
[[ $(rc_of "exec-vv-logs deploy/web --tail 5") == 1 ]] && pass "the exec-plugin user authenticated as the restricted user (exit 1, Forbidden)" ||
  fail "exec-plugin user logs: exit $(rc_of "exec-vv-logs deploy/web --tail 5")"
grep -q "Forbidden" <(all_err exec-vv) && pass "the exec-plugin user's requests were refused by RBAC, so its token was sent" ||
  fail "the exec-plugin user's runs show no Forbidden"
grep -qi "authorization: bearer <masked>" <(all_err token-vv) && pass "-vv printed the token user's Authorization header, masked" ||
  fail "-vv shows no masked Authorization header for the token user"
grep -qi "authorization: bearer <masked>" <(all_err exec-vv) && pass "-vv printed the exec-plugin user's Authorization header, masked" ||
  fail "-vv shows no masked Authorization header for the exec-plugin user"
grep -q "exec plugin \"leaky-plugin.sh\" of user \"exec-user\" failed with exit code 1" <(all_err leaky-exec-v) && pass "the failing plugin's error is reported" ||
  fail "the failing plugin's error is not reported"
grep -q "failing plugin token=<masked> (refresh failed)" <(all_err leaky-exec-v) && pass "the failing plugin's stderr is quoted with its token masked" ||
  fail "the failing plugin's stderr is not quoted masked"

[[ $FAILED == 0 ]] && echo "all secrets checks passed"
exit $FAILED
