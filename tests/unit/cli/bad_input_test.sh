#!/usr/bin/env bash
# The bad-input matrix of docs/bad-input.md, the rows that need no cluster: the real `orka`
# binary and plugins of the build, a bad kubeconfig or a bad command line, and the message and
# exit code the user gets. Every row is one check (its id is the matrix's); the kubeconfig points
# at a port nothing listens on, so a row that reached for the network instead of refusing the
# input first fails with "cannot connect" instead of its message.
# Rows that need the API server are in tests/integration/bad_input_test.sh.
# Needs ORKA_BIN (meson passes the build's). One "ok:"/"FAIL:" line per row, then
# "N passed, M failed"; exits non-zero when a row failed.
set -uo pipefail
ORKA=${ORKA_BIN:?ORKA_BIN must name the orka binary}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

# row ID WANT-RC PATTERN args...: orka ARGS (stdin closed, 30 s at most) must exit WANT-RC and
# print an `error:` line, and its stderr must match the extended regex PATTERN. Nothing may
# reach the network first (the kubeconfig's server refuses connections).
row() {
  local id=$1 want=$2 pattern=$3 rc=0 err=$TMP/$1.err; shift 3
  (cd "$TMP" && env -u KUBECONFIG HOME="$TMP/home" timeout 30 "$ORKA" "$@") >"$TMP/$id.out" 2>"$err" </dev/null || rc=$?
  if [[ $rc == "$want" ]] && grep -q '^error: ' "$err" && grep -qE -- "$pattern" "$err" &&
     ! grep -q 'cannot connect' "$err"; then
    echo "ok: $id"; passed=$((passed + 1))
  else
    echo "FAIL: $id (exit $rc, wanted $want and /$pattern/); stderr:"; sed 's/^/  | /' "$err" | head -8
    failed=$((failed + 1))
  fi
}
# no_raw_control ID: the row's stderr holds no control byte but newline (a name cannot act on
# the terminal).
no_raw_control() {
  if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$TMP/$1.err"; then
    echo "FAIL: $1: a raw control character reached stderr"; failed=$((failed + 1))
  else
    echo "ok: $1: control characters escaped"; passed=$((passed + 1))
  fi
}

# orka's settings come only from what a row gives (docs/imperative-ops.md, "Config file").
unset XDG_CONFIG_HOME ORKA_CONFIG ORKA_NAMESPACE ORKA_CONTEXT ORKA_COLOUR ORKA_COLOR ORKA_TRANSPORT \
  ORKA_MAX_STREAMS ORKA_KEEPALIVE
mkdir -p "$TMP/home"
openssl req -x509 -new -nodes -newkey rsa:2048 -keyout "$TMP/ca.key" -out "$TMP/ca.crt" -days 2 \
  -subj /CN=orka-bad-input-ca >/dev/null 2>&1 || { echo "FAIL: openssl"; exit 1; }
CA=$(base64 -w0 <"$TMP/ca.crt")
# kubeconfig FILE [extra cluster lines] [current-context]: one cluster "c" (nothing listens on
# its port), one token user "u", contexts "ctx" (namespace default) and "ghost-user".
kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:1
    certificate-authority-data: $CA
${2:-}
users:
- name: u
  user:
    token: not-a-real-token
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: default}
- name: ghost-user
  context: {cluster: c, user: nobody}
- name: ghost-cluster
  context: {cluster: nowhere, user: u}
current-context: ${3-ctx}
EOF
}
KC=$TMP/good.kubeconfig
kubeconfig "$KC"
k() { echo --kubeconfig "$KC"; }

# ---------------------------------------------------------------- kubeconfig (K)
row K1-missing-file 1 'kubeconfig file .*/nope\.yaml \(from --kubeconfig\) does not exist' \
  --kubeconfig "$TMP/nope.yaml" ops logs p
( export KUBECONFIG=$TMP/a.yaml:$TMP/b.yaml
  rc=0; env HOME="$TMP/home" timeout 30 "$ORKA" ops logs p >/dev/null 2>"$TMP/K2.err" </dev/null || rc=$?
  [[ $rc == 1 ]] && grep -qE '^error: no kubeconfig found: none of the KUBECONFIG files exist' "$TMP/K2.err" ) &&
  { echo "ok: K2-kubeconfig-env-missing"; passed=$((passed + 1)); } ||
  { echo "FAIL: K2-kubeconfig-env-missing"; sed 's/^/  | /' "$TMP/K2.err"; failed=$((failed + 1)); }
printf 'apiVersion: v1\nclusters: [\n  - name: c\n    cluster: {server: "https://x\n' >"$TMP/broken.yaml"
row K3-malformed-yaml 1 'broken\.yaml.*(YAML|yaml|line [0-9])' --kubeconfig "$TMP/broken.yaml" ops logs p
printf 'apiVersion: v1\nkind: Config\nclusters: 5\ncontexts: "none"\n' >"$TMP/shape.yaml"
row K4-wrong-shape 1 'shape\.yaml.*clusters' --kubeconfig "$TMP/shape.yaml" ops logs p
row K5-unknown-context 1 'context "nope" not found .*available contexts?: .*ctx' \
  $(k) --context nope ops logs p
kubeconfig "$TMP/current.yaml" "" ghost
row K6-current-context-missing 1 'context "ghost" \(current-context in .*current\.yaml\) not found' \
  --kubeconfig "$TMP/current.yaml" ops logs p
kubeconfig "$TMP/none.yaml" "" ""
row K7-no-current-context 1 'no current context is set in .*none\.yaml' --kubeconfig "$TMP/none.yaml" ops logs p
row K8-context-user-missing 1 'user "nobody" of context "ghost-user" .* not found' \
  $(k) --context ghost-user ops logs p
row K9-context-cluster-missing 1 'cluster "nowhere" of context "ghost-cluster" .* not found' \
  $(k) --context ghost-cluster ops logs p
kubeconfig "$TMP/both.yaml" "    insecure-skip-tls-verify: true"
row K10-ca-and-insecure 1 'insecure-skip-tls-verify together with a certificate authority' \
  --kubeconfig "$TMP/both.yaml" ops logs p
row K11-ca-and-insecure-hint 1 'hint: remove insecure-skip-tls-verify' --kubeconfig "$TMP/both.yaml" ops logs p

# ---------------------------------------------------------------- TYPE/NAME and names (N)
row N1-no-type 2 'names no type: write TYPE/NAME' $(k) ops scale web --replicas 1
row N2-empty-name 2 'TYPE/NAME' $(k) ops scale deployment/ --replicas 1
row N3-two-targets 2 'one object at a time' $(k) ops scale deploy/a deploy/b --replicas 1
row N4-uppercase-pod 2 "pod name \"Web\" is not valid: 'W' \(at position 1\) is upper case" $(k) ops logs Web
row N5-query-in-name 2 "pod name \"p\?dryRun=All\" is not valid: '\?' \(at position 2\) is not allowed" $(k) ops logs 'p?dryRun=All'
row N6-path-as-name 2 '"a/\.\./b" is not POD or TYPE/NAME' $(k) ops exec 'a/../b' -- true
row N6b-path-as-name-hint 2 'hint: write a pod name' $(k) ops exec 'a/../b' -- true
row N7-too-long-name 2 '(longer than|at most) 253' $(k) ops logs "$(printf 'a%.0s' {1..254})"
row N8-dot-in-namespace 2 "namespace name \"a\.b\" is not valid: '\.' \(at position 2\)" $(k) -n a.b ops logs p
row N9-long-namespace 2 'namespace .* is not valid.*(63|longer)' $(k) -n "$(printf 'n%.0s' {1..64})" ops logs p
row N10-service-digit 2 'service name "1web" is not valid' $(k) ops pf svc/1web 8080
row N11-bad-node-name 2 'node name "No_de" is not valid' $(k) ops drain No_de
row N12-control-chars 2 'pod name "a\\nb\\x1B\[2J" is not valid: \\n \(at position 2\)' $(k) ops logs $'a\nb\e[2J'
no_raw_control N12-control-chars
row N13-delete-checks-all-first 2 'pod name "BAD" is not valid' $(k) ops delete pod/good pod/BAD
row N14-rr-unknown-form 2 'TYPE/NAME' $(k) ops rr web

# ---------------------------------------------------------------- ports (P)
row P1-port-word 2 'invalid port "abc"' $(k) ops pf pod/p abc
row P2-port-zero 2 'invalid port "0"' $(k) ops pf pod/p 0
row P3-port-too-big 2 'invalid port "70000": the remote port must be from 1 to 65535' $(k) ops pf pod/p 70000
row P4-port-empty-remote 2 'invalid port "8080:"' $(k) ops pf pod/p 8080:
row P5-port-negative 2 'invalid port "-1": the remote port must be from 1 to 65535' $(k) ops pf pod/p -- -1
row P6-port-twice 2 'local port 8080 .*(twice|more than once)' $(k) ops pf pod/p 8080 8080:80
row P7-no-ports 2 'port' $(k) ops pf pod/p

# ---------------------------------------------------------------- replicas (R)
row R1-negative-replicas 2 '--replicas must be between 0 and 2147483647' $(k) ops scale deploy/web --replicas=-1
row R1b-negative-replicas-spaced 2 '(--replicas must be between 0|invalid value "-1" for --replicas)' \
  $(k) ops scale deploy/web --replicas -1
row R2-word-replicas 2 'invalid value "abc" for --replicas: expected a whole number' $(k) ops scale deploy/web --replicas abc
row R3-word-current-replicas 2 'invalid value "x" for --current-replicas' $(k) ops scale deploy/web --replicas 1 --current-replicas x
row R4-huge-replicas 2 '--replicas must be between 0 and 2147483647' $(k) ops scale deploy/web --replicas 99999999999
row R5-missing-replicas 2 '--replicas is required' $(k) ops scale deploy/web

# ---------------------------------------------------------------- regex, flags, exec, durations (X F E T)
row X1-include-regex 2 '--include .*\(' $(k) ops logs p --include '('
row X2-exclude-regex 2 '--exclude .*\[a' $(k) ops logs p --exclude '[a'
row F1-unknown-op-flag 2 '^error: unknown flag --bogus$' $(k) ops logs p --bogus
row F1b-unknown-short-flag 2 '^error: unknown flag -Z$' $(k) ops logs p -Z
row F1c-op-flag-without-value 2 '^error: flag --replicas needs a value$' $(k) ops scale deploy/x --replicas
row F2-unknown-global-flag 2 '^error: unknown flag --bogus$' --bogus $(k) ops logs p
row F3-unknown-op 2 'frobnicate' $(k) ops frobnicate
row F4-flag-without-value 2 '^error: flag -n needs a value$' $(k) ops logs p -n
row F5-unknown-command 2 'frobnicate' $(k) frobnicate
row E1-exec-no-command 2 'no command given' $(k) ops exec p
row E2-exec-no-command-hint 2 'hint: put it after --' $(k) ops exec p
row E3-exec-no-pod 2 'name the pod' $(k) ops exec -- ls
row T1-bad-timeout 2 '--timeout' $(k) ops scale deploy/web --replicas 1 --wait --timeout 5parsecs
row T2-timeout-without-wait 2 '--timeout only applies with --wait' $(k) ops scale deploy/web --replicas 1 --timeout 5s
row T3-bad-since 2 '--since' $(k) ops logs p --since yesterday
row T4-negative-grace 2 '--grace-period' $(k) ops drain node1 --grace-period -5

# ---------------------------------------------------------------- config file and settings variables (S)
config() { printf '%b' "$2" >"$TMP/$1.yaml"; echo --config "$TMP/$1.yaml"; }
row S1-config-unknown-key 2 'unknown-key\.yaml line 2: unknown key "colur"' \
  $(config unknown-key 'contexts: {}\ncolur: never\n') $(k) ops logs p
row S2-config-flag-the-op-lacks 2 'line 3 \(ops\.logs\.max-stream\): `orka ops logs` has no flag --max-stream' \
  $(config lacks 'ops:\n  logs:\n    max-stream: 5\n') $(k) ops logs p
row S3-config-bad-value 2 'line 3 \(ops\.logs\.max-streams\): invalid value "lots" for --max-streams' \
  $(config value 'ops:\n  logs:\n    max-streams: lots\n') $(k) ops logs p
row S4-config-switch-word 2 'line 2 \(flags\.follow\): --follow is a switch: expected true or false' \
  $(config switch 'flags:\n  follow: sometimes\n') $(k) ops logs p
row S5-config-bad-yaml 2 'yaml\.yaml line [0-9]+: not valid YAML' $(config yaml 'ops: {logs: [\n') $(k) ops logs p
row S6-config-missing 2 'cannot read the config file .*absent\.yaml \(from --config\): No such file' \
  --config "$TMP/absent.yaml" $(k) ops logs p
row S7-config-directory 2 'cannot read the config file .* not a regular file' --config "$TMP" $(k) ops logs p
ORKA_MAX_STREAMS=lots row S8-env-bad-value 2 \
  'the environment \(ORKA_MAX_STREAMS=lots\): invalid value "lots" for --max-streams' $(k) ops logs p
row S9-bad-colour 2 'flag --colour needs auto, always or never, got "sometimes"' --colour sometimes $(k) ops logs p
ORKA_COLOR=pink row S10-env-bad-colour 2 'the environment variable ORKA_COLOR needs auto, always or never' \
  $(k) ops logs p

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
