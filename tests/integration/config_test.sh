#!/usr/bin/env bash
# Integration test of orka's config file and settings variables (issue 16), and of pf's live
# status line. Two namespaces each hold a pod "who-1" that prints which namespace it is in and
# serves HTTP on 8080; the first has a second pod "who-2" (label app=who). Checks:
#   - a config file under $XDG_CONFIG_HOME sets the namespace for the current context; an entry
#     for another context changes nothing; ORKA_NAMESPACE beats the file, -n beats both;
#   - ops.logs.max-streams from the file limits `logs -l app=who` (2 streams > 1: exit 1 naming
#     the limit); ORKA_MAX_STREAMS beats the file, --max-streams beats both;
#   - flags.transport from the file picks exec's wire form (seen at -v); ORKA_TRANSPORT beats
#     the file, --transport beats both;
#   - colour: always from the file colours logs' prefixes into a pipe; NO_COLOR and --colour never
#     beat it;
#   - broken files fail with exit 2 naming the file, line and key (unknown key, a flag logs does
#     not have, a bad value, bad YAML); a missing --config file is an error, a missing default
#     file is not;
#   - pf on a terminal (under `script`, a pty) redraws one status line in place that counts the
#     connections made through it; with stdout in a file it prints the plain lines only.
# One line per check; exits non-zero on a failure. Uses $ORKA_BIN (else <build>/app/orka);
# assumes the cluster is up; makes and deletes its own namespaces.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 240 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

command -v script >/dev/null || fatal "this test needs script(1) (apt-get install util-linux)"
command -v curl >/dev/null || fatal "this test needs curl (apt-get install curl)"

NS=orka-it-config-a-$$
NS_B=orka-it-config-b-$$
TMP=$(mktemp -d)
XDG=$TMP/xdg
CONFIG=$XDG/orka/config.yaml
mkdir -p "$XDG/orka"

cleanup() {
  local rc=$?
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics" >&2
    kc -n "$NS" get pods -o wide >&2 2>&1 || true
    for f in "$TMP"/*.out "$TMP"/*.err; do
      [[ -s $f ]] && { echo "--- $(basename "$f")" >&2; head -c 2000 "$f" | cat -v >&2; echo >&2; }
    done
  fi
  kc delete namespace "$NS_B" --wait=false >/dev/null 2>&1
  finish_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

who_pod() { # NAMESPACE NAME
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $2, namespace: $1, labels: {app: who}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: orka/busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c"]
    args:
    - |
      echo "I live in $1 as $2"
      mkdir -p /tmp/www && echo "hello from $2" > /tmp/www/index.html
      exec httpd -f -p 8080 -h /tmp/www
EOF
}

create_test_namespace "$NS"
create_test_namespace "$NS_B"
{ who_pod "$NS" who-1; echo ---; who_pod "$NS" who-2; echo ---; who_pod "$NS_B" who-1; } |
  kc apply -f - >/dev/null || fatal "create the who pods"
for ns in "$NS" "$NS_B"; do
  kc -n "$ns" wait --for=condition=Ready pod --all --timeout=90s >/dev/null || fatal "who pods in $ns not ready"
done
CONTEXT=$(kc config current-context) || fatal "no current context"

# None of the caller's settings variables; each check sets its own.
unset ORKA_CONFIG ORKA_NAMESPACE ORKA_CONTEXT ORKA_TRANSPORT ORKA_MAX_STREAMS ORKA_KEEPALIVE \
  ORKA_COLOUR ORKA_COLOR NO_COLOR
# orka with the test's config directory.
orka_cfg() { XDG_CONFIG_HOME="$XDG" timeout --kill-after=5 60 "$ORKA" "$@"; }

# ----------------------------------------------------------------------------- namespace
cat >"$CONFIG" <<EOF
# written by config_test.sh
contexts:
  $CONTEXT:
    namespace: $NS
  some-other-context:
    namespace: $NS_B
EOF
orka_cfg ops logs who-1 >"$TMP/ns-file.out" 2>"$TMP/ns-file.err"
check "the file's namespace for context $CONTEXT: logs who-1 reads $NS" \
  grep -qx "I live in $NS as who-1" "$TMP/ns-file.out"
ORKA_NAMESPACE=$NS_B orka_cfg ops logs who-1 >"$TMP/ns-env.out" 2>"$TMP/ns-env.err"
check "ORKA_NAMESPACE beats the file: logs who-1 reads $NS_B" \
  grep -qx "I live in $NS_B as who-1" "$TMP/ns-env.out"
ORKA_NAMESPACE=$NS_B orka_cfg -n "$NS" ops logs who-1 >"$TMP/ns-flag.out" 2>"$TMP/ns-flag.err"
check "-n beats ORKA_NAMESPACE: logs who-1 reads $NS" \
  grep -qx "I live in $NS as who-1" "$TMP/ns-flag.out"
orka_cfg -v ops logs who-1 >/dev/null 2>"$TMP/ns-v.err"
check "-v says the namespace came from the config file for the context" \
  contains "$TMP/ns-v.err" "namespace \"$NS\": orka's config file sets it for context \"$CONTEXT\""

# ----------------------------------------------------------------------------- max-streams
cat >>"$CONFIG" <<EOF
ops:
  logs:
    max-streams: 1
EOF
orka_cfg ops logs -l app=who >"$TMP/ms-file.out" 2>"$TMP/ms-file.err"
rc=$?
check "ops.logs.max-streams 1 from the file: 2 streams refused, exit 1 (rc $rc)" \
  bash -c "[[ $rc == 1 ]] && grep -q 'more than the limit of 1' '$TMP/ms-file.err'"
ORKA_MAX_STREAMS=5 orka_cfg ops logs -l app=who >"$TMP/ms-env.out" 2>"$TMP/ms-env.err"
rc=$?
check "ORKA_MAX_STREAMS=5 beats the file: both pods' lines (rc $rc)" \
  bash -c "[[ $rc == 0 ]] && grep -q 'as who-1' '$TMP/ms-env.out' && grep -q 'as who-2' '$TMP/ms-env.out'"
ORKA_MAX_STREAMS=5 orka_cfg ops logs -l app=who --max-streams 1 >/dev/null 2>"$TMP/ms-flag.err"
rc=$?
check "--max-streams 1 beats ORKA_MAX_STREAMS=5: refused again (rc $rc)" \
  bash -c "[[ $rc == 1 ]] && grep -q 'more than the limit of 1' '$TMP/ms-flag.err'"

# ----------------------------------------------------------------------------- transport
cat >>"$CONFIG" <<EOF
flags:
  transport: websocket
  keepalive: 30s     # applied by the commands that have --keepalive; a note at -v elsewhere
EOF
wire() { grep -o 'exec: using [^ ]*' "$1" | head -1; }
orka_cfg -v ops exec -q who-1 -- true >/dev/null 2>"$TMP/tr-file.err"
check "flags.transport websocket from the file: exec uses WebSocket (got \"$(wire "$TMP/tr-file.err")\")" \
  test "$(wire "$TMP/tr-file.err")" = "exec: using WebSocket"
ORKA_TRANSPORT=spdy orka_cfg -v ops exec -q who-1 -- true >/dev/null 2>"$TMP/tr-env.err"
check "ORKA_TRANSPORT=spdy beats the file (got \"$(wire "$TMP/tr-env.err")\")" \
  test "$(wire "$TMP/tr-env.err")" = "exec: using SPDY/3.1"
ORKA_TRANSPORT=spdy orka_cfg -v ops exec -q who-1 --transport websocket -- true >/dev/null 2>"$TMP/tr-flag.err"
check "--transport websocket beats ORKA_TRANSPORT (got \"$(wire "$TMP/tr-flag.err")\")" \
  test "$(wire "$TMP/tr-flag.err")" = "exec: using WebSocket"
check "-v names where a default came from" \
  contains "$TMP/tr-file.err" "note: --transport from $CONFIG line"

# ----------------------------------------------------------------------------- colour
sed -i '1a colour: always' "$CONFIG"
ESC=$'\x1b['
orka_cfg ops logs -l app=who --max-streams 5 >"$TMP/colour-file.out" 2>&1
check "colour: always from the file colours the prefixes into a pipe" contains "$TMP/colour-file.out" "$ESC"
NO_COLOR=1 orka_cfg ops logs -l app=who --max-streams 5 >"$TMP/colour-env.out" 2>&1
check "NO_COLOR beats the file's colour: always" lacks "$TMP/colour-env.out" "$ESC"
orka_cfg --colour never ops logs -l app=who --max-streams 5 >"$TMP/colour-flag.out" 2>&1
check "--colour never beats the file" lacks "$TMP/colour-flag.out" "$ESC"

# ----------------------------------------------------------------------------- broken files
# refused NAME TEXT EXPECTED...: with a config file of TEXT, "${COMMAND[@]}" exits 2 saying each EXPECTED.
COMMAND=(ops logs who-1)
refused() {
  local name=$1 text=$2 rc part ok=1; shift 2
  printf '%s' "$text" >"$TMP/$name.yaml"
  orka_cfg --config "$TMP/$name.yaml" -n "$NS" "${COMMAND[@]}" >/dev/null 2>"$TMP/$name.err"
  rc=$?
  [[ $rc == 2 ]] || ok=0
  for part in "$@"; do grep -qF -- "$part" "$TMP/$name.err" || ok=0; done
  check "broken config ($name): exit 2 (got $rc), says: $*" test $ok = 1
}
refused unknown-key $'contexts: {}\ncolur: never\n' "$TMP/unknown-key.yaml line 2: unknown key \"colur\"" 'did you mean "colour"?'
refused no-such-flag $'ops:\n  logs:\n    max-stream: 3\n' "$TMP/no-such-flag.yaml line 3 (ops.logs.max-stream): \`orka ops logs\` has no flag --max-stream"
refused bad-value $'ops:\n  logs:\n    max-streams: lots\n' "$TMP/bad-value.yaml line 3 (ops.logs.max-streams): invalid value \"lots\" for --max-streams"
refused bad-yaml $'ops:\n  logs: {max-streams: 3\n' "$TMP/bad-yaml.yaml line " "not valid YAML"
refused bad-namespace $'contexts:\n  x: {namespace: Not_Valid}\n' "$TMP/bad-namespace.yaml line 2: contexts.x.namespace:"
COMMAND=(ops exec -q who-1 -- true)
refused bad-transport $'flags:\n  transport: pigeon\n' "$TMP/bad-transport.yaml line 2 (flags.transport): unknown transport \"pigeon\""
orka_cfg --config "$TMP/absent.yaml" ops logs who-1 >/dev/null 2>"$TMP/absent.err"
rc=$?
check "a --config file that does not exist: exit 2 naming it (got $rc)" \
  bash -c "[[ $rc == 2 ]] && grep -qF 'cannot read the config file $TMP/absent.yaml (from --config)' '$TMP/absent.err'"
env XDG_CONFIG_HOME="$TMP/nowhere" timeout 60 "$ORKA" -n "$NS" ops logs who-1 >"$TMP/nofile.out" 2>&1
check "no config file at the default place: orka runs as before" grep -qx "I live in $NS as who-1" "$TMP/nofile.out"

# ----------------------------------------------------------------------------- pf status line
: >"$CONFIG"
# On a terminal: script(1) gives orka a pty; orka ends itself (SIGINT, exit 130) after 8 s.
script -q -c "env XDG_CONFIG_HOME='$XDG' TERM=xterm timeout -s INT 8 '$ORKA' -n '$NS' ops pf who-1 :8080" \
  /dev/null </dev/null >"$TMP/pf-tty.out" 2>&1 &
PF_TTY=$!
port_of() { sed -n 's/.*Forwarding from 127\.0\.0\.1:\([0-9]*\) -> .*/\1/p' "$1" | head -1; }
eventually 20 bash -c "[[ -n \$(sed -n 's/.*Forwarding from 127\.0\.0\.1:\([0-9]*\) -> .*/\1/p' '$TMP/pf-tty.out') ]]" ||
  fail "pf on a terminal never said where it forwards from"
port=$(port_of "$TMP/pf-tty.out")
ok=0
for i in 1 2 3; do
  curl -s --max-time 5 "http://127.0.0.1:$port/" | grep -q "hello from who-1" && ok=$((ok + 1))
done
check "pf on a terminal: HTTP through it works ($ok/3)" test $ok = 3
wait "$PF_TTY"
# The last drawn status: the text after the last line-erase sequence.
last_status=$(tr '\r' '\n' <"$TMP/pf-tty.out" | grep -a "in all" | tail -1 | sed 's/.*\x1b\[2K//')
check "pf on a terminal: the status line counts the 3 connections (\"$last_status\")" \
  grep -qE "^127\.0\.0\.1:$port -> 8080 \(pod who-1\): 0 open, 3 in all; in [0-9.]+ [KMG]?i?B \(" <<<"$last_status"
check "pf on a terminal: a rate above 0 B/s was shown after the connections" \
  grep -aqE "in [0-9.]+ [KMG]?i?B \(([1-9][0-9.]*|0\.[0-9]*[1-9]) [KMG]?i?B/s\)" "$TMP/pf-tty.out"
redraws=$(grep -ao $'\x1b\[1F' "$TMP/pf-tty.out" | wc -l)
check "pf on a terminal: the line is redrawn in place (cursor up $redraws times)" test "$redraws" -ge 2

# Not a terminal: the plain lines of before.
env XDG_CONFIG_HOME="$XDG" timeout -s INT 6 "$ORKA" -n "$NS" ops pf who-1 :8080 >"$TMP/pf-plain.out" 2>&1 &
PF_PLAIN=$!
eventually 20 bash -c "grep -q 'Forwarding from 127.0.0.1:' '$TMP/pf-plain.out'" || fail "pf into a file never became ready"
port=$(port_of "$TMP/pf-plain.out")
curl -s --max-time 5 "http://127.0.0.1:$port/" >/dev/null
wait "$PF_PLAIN"
check "pf into a file: the plain Forwarding line, no status line, no escape sequences" \
  bash -c "grep -qx 'Forwarding from 127.0.0.1:$port -> 8080 (pod who-1)' '$TMP/pf-plain.out' &&
           ! grep -q 'in all' '$TMP/pf-plain.out' && ! grep -q \$'\x1b' '$TMP/pf-plain.out'"
