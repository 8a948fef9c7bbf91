#!/usr/bin/env bash
# The bad-input matrix of docs/bad-input.md, the rows that need the API server: objects, nodes
# and namespaces that do not exist, a type the server does not serve, a user RBAC forbids, an
# exec credential that expired, a server certificate from another CA, a token the server does not
# know. Each row is one check of the exit code and the message's key words (its id is the
# matrix's). The rows that need no cluster are tests/unit/cli/bad_input_test.sh.
# Uses $ORKA_BIN (else <build>/app/orka); assumes the cluster is up; makes and deletes its own
# namespace. One line per row; exits non-zero when a row failed.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-bad-input-$$
TMP=$(mktemp -d)
RPOD=
cleanup() {
  local rc=$?
  kc delete namespace "$NS" --wait=false >/dev/null 2>&1
  kc -n orka-restricted delete pod "$RPOD" --wait=false >/dev/null 2>&1
  rm -rf "$TMP"
  [[ $rc == 0 && $FAILED != 0 ]] && exit 1
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# row ID WANT-RC PATTERN args...: orka ARGS (own discovery cache, 60 s at most) must exit WANT-RC
# with an `error:` line on stderr matching the extended regex PATTERN.
row() {
  local id=$1 want=$2 pattern=$3 rc=0 err=$TMP/$1.err; shift 3
  timeout --kill-after=5 60 "$ORKA" --cache-dir "$TMP/cache" "$@" >"$TMP/$id.out" 2>"$err" </dev/null || rc=$?
  if [[ $rc == "$want" ]] && grep -q '^error: ' "$err" && grep -qE -- "$pattern" "$err"; then
    pass "$id"
  else
    fail "$id (exit $rc, wanted $want and /$pattern/)"
    sed 's/^/  | /' "$err" | head -8 >&2
  fi
}

create_test_namespace "$NS"
kc -n "$NS" run sleeper --image=orka/busybox:latest --image-pull-policy=Never --restart=Never \
  --port=8080 -- sleep 3600 >/dev/null || fatal "create pod sleeper"
kc -n "$NS" create deployment app --image=orka/busybox:latest -- sleep 3600 >/dev/null || fatal "create deployment app"
kc -n "$NS" wait --for=condition=Ready pod/sleeper --timeout=120s >/dev/null || fatal "pod sleeper not ready"
# A pod the restricted user may see but not exec into (its Role: get/list pods, get pods/log).
RPOD=orka-bad-input-$$
kc -n orka-restricted run "$RPOD" --image=orka/busybox:latest --image-pull-policy=Never --restart=Never \
  -- sleep 3600 >/dev/null || fatal "create pod $RPOD in orka-restricted"

# ---------------------------------------------------------------- not found (C)
row C1-pod-not-found 1 "pod \"nosuchpod\" not found|pods \"nosuchpod\" not found" -n "$NS" ops logs nosuchpod
row C2-exec-pod-not-found 1 "\"nosuchpod\" not found" -n "$NS" ops exec nosuchpod -- true
row C3-node-not-found 1 'node "nosuchnode" not found' ops drain nosuchnode
row C4-cordon-node-not-found 1 'node "nosuchnode" not found' ops cordon nosuchnode
row C5-namespace-not-found 1 'namespace "nosuchns" does not exist' -n nosuchns ops logs somepod
row C6-namespace-not-found-scale 1 'namespace "nosuchns" does not exist' -n nosuchns ops scale deploy/app --replicas 1
row C7-deployment-not-found 1 "deployments.apps/nosuch not found in namespace \"$NS\"" -n "$NS" ops scale deploy/nosuch --replicas 1
row C8-unknown-type 1 'foos' -n "$NS" ops scale foos/x --replicas 1
row C9-not-scalable 1 'scale' -n "$NS" ops scale pod/sleeper --replicas 2
row C10-container-not-found 1 'container.*nope|nope.*container' -n "$NS" ops exec sleeper -c nope -- true
row C11-port-name-not-found 1 'has no container port named "nosuchport"' -n "$NS" ops pf pod/sleeper :nosuchport

# ---------------------------------------------------------------- forbidden (restricted user)
RK=(--kubeconfig "$RESTRICTED_KUBECONFIG")
row A1-forbidden-scale 1 'forbidden|Forbidden' "${RK[@]}" -n orka-restricted ops scale deploy/x --replicas 1
row A2-forbidden-exec 1 "missing permission: create pods/exec named \"$RPOD\" in namespace \"orka-restricted\"" \
  "${RK[@]}" -n orka-restricted ops exec "$RPOD" -- true
row A3-forbidden-logs-other-ns 1 "missing permission: get pods named \"sleeper\" in namespace \"$NS\"" "${RK[@]}" -n "$NS" ops logs sleeper
row A4-forbidden-names-user 1 'orka-restricted' "${RK[@]}" -n "$NS" ops logs sleeper
row A5-forbidden-drain 1 '(patch|get) nodes' "${RK[@]}" ops drain 127.0.0.1

# ---------------------------------------------------------------- credentials and TLS
server=$(kc config view --minify -o jsonpath='{.clusters[0].cluster.server}')
ca=$(kc config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
# user_kubeconfig FILE USER-YAML [CA-DATA]: the cluster's server with the given user block.
user_kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: $server
    certificate-authority-data: ${3:-$ca}
users:
- name: u
  user:
$2
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: $NS}
current-context: ctx
EOF
}
# An exec plugin whose credential expired an hour ago (a stale cache in a real plugin).
cat >"$TMP/expired-plugin" <<'EOF'
#!/bin/sh
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"stale-token-from-cache","expirationTimestamp":"2020-01-01T00:00:00Z"}}'
EOF
chmod +x "$TMP/expired-plugin"
user_kubeconfig "$TMP/expired.kubeconfig" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $TMP/expired-plugin
      interactiveMode: Never"
row S1-expired-exec-credential 1 'Unauthorized; the exec plugin "expired-plugin" of user "u" gave a credential that had already expired \(expirationTimestamp 2020-01-01T00:00:00Z\)' \
  --kubeconfig "$TMP/expired.kubeconfig" ops logs sleeper
row S1b-expired-exec-credential-hint 1 'hint: log in again' --kubeconfig "$TMP/expired.kubeconfig" ops logs sleeper
row S2-expired-exec-credential-401 1 '401|[Uu]nauthorized' --kubeconfig "$TMP/expired.kubeconfig" ops logs sleeper
check "S3-expired-exec-credential: the token is not printed" lacks "$TMP/S1-expired-exec-credential.err" stale-token-from-cache
user_kubeconfig "$TMP/badtoken.kubeconfig" "    token: not-a-token-the-server-knows"
row S4-unknown-token 1 '401|[Uu]nauthorized' --kubeconfig "$TMP/badtoken.kubeconfig" ops logs sleeper
check "S5-unknown-token: the token is not printed" lacks "$TMP/S4-unknown-token.err" not-a-token-the-server-knows
openssl req -x509 -new -nodes -newkey rsa:2048 -keyout "$TMP/other-ca.key" -out "$TMP/other-ca.crt" -days 2 \
  -subj /CN=some-other-ca >/dev/null 2>&1 || fatal "openssl"
user_kubeconfig "$TMP/wrong-ca.kubeconfig" "    token: whatever" "$(base64 -w0 <"$TMP/other-ca.crt")"
row S6-wrong-ca 1 'cannot verify the certificate of https://127\.0\.0\.1:6443' --kubeconfig "$TMP/wrong-ca.kubeconfig" ops logs sleeper
row S7-wrong-ca-hint 1 'hint: .*certificate-authority' --kubeconfig "$TMP/wrong-ca.kubeconfig" ops logs sleeper
row S8-wrong-ca-exec 1 'cannot verify the certificate' --kubeconfig "$TMP/wrong-ca.kubeconfig" ops exec sleeper -- true

[[ $FAILED == 0 ]] && echo "all bad-input rows that need the cluster passed"
exit "$FAILED"
