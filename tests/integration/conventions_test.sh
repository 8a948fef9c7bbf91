#!/usr/bin/env bash
# Integration test of two conventions (issue 16):
#   `orka version --server` against the real cluster through each context of the kubeconfig —
#     the 1.20 API server (orka-admin@orka) and the modern front (context `modern`, answering
#     /version as 1.36) — names the server version kubectl 1.33 reports through the same context
#     and what `--transport auto` picks there (different on the two servers); --json is one
#     object with the same facts; -v shows the one request; a context whose server refuses is
#     exit 1 with the server named;
#   the kubectl plugin: `meson install --destdir` stages orka with kubectl-orka beside it; with
#     that bindir on PATH, kubectl 1.33 lists the plugin and runs `kubectl orka ops logs`, whose
#     output is checked against the pod's log; help names `kubectl orka`; the installed plugins
#     load (no ORKA_PLUGIN_PATH); kubectl's flags before `orka` are refused by kubectl itself.
# Needs the build directory of $ORKA (meson install stages from it). Makes and deletes its own
# namespace. One line per check; exits non-zero when a check failed.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

MODERN_KUBECTL=${ORKA_MODERN_KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}
[[ -x $MODERN_KUBECTL ]] || fatal "no kubectl 1.33 at $MODERN_KUBECTL (set ORKA_MODERN_KUBECTL)"
BUILD_DIR=$(cd "$(dirname "$ORKA")/.." && pwd)
[[ -d $BUILD_DIR/meson-private ]] || fatal "$ORKA is not in a meson build directory (needed to stage an install)"
NS=orka-it-conventions-$$
TMP=$(mktemp -d)

jq_true() { jq -e "$@" >/dev/null; }

cleanup() {
  local rc=$?
  kc delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [[ $rc == 0 && $FAILED != 0 ]]; then exit 1; fi
}
trap cleanup EXIT

# ------------------------------------------------------------- orka version --server, per context
# What kubectl reports through a context: "gitVersion major minor".
server_facts() {
  # (kubectl 1.33 warns about the version skew on stderr: not this test's concern)
  timeout 60 "$MODERN_KUBECTL" --context "$1" --request-timeout=30s version -o json 2>/dev/null |
    jq -r '.serverVersion | "\(.gitVersion) \(.major) \(.minor | sub("[^0-9].*$"; ""))"'
}
server_url() {
  timeout 30 "$MODERN_KUBECTL" config view -o json | jq -r --arg ctx "$1" '
    (.contexts[] | select(.name == $ctx) | .context.cluster) as $c |
    .clusters[] | select(.name == $c) | .cluster.server'
}

for context in orka-admin@orka modern; do
  facts=$(server_facts "$context") || { fail "kubectl version through $context"; continue; }
  read -r git_version major minor <<<"$facts"
  url=$(server_url "$context")
  echo "context $context: kubectl says $git_version ($major.$minor) at $url"
  # The rule the ops follow (transport_choice.hpp), written out for the two servers here.
  if ((minor >= 30)); then exec_stdin_wire="WebSocket (v5.channel.k8s.io)"; else exec_stdin_wire="SPDY/3.1 (v4.channel.k8s.io)"; fi
  if ((minor >= 31)); then pf_wire="SPDY/3.1 over WebSocket"; else pf_wire="SPDY/3.1 (portforward.k8s.io); if refused: WebSocket"; fi

  "$ORKA" --context "$context" version --server >"$TMP/out" 2>"$TMP/err"
  rc=$?
  check "$context: version --server exits 0 (exit $rc)" test "$rc" -eq 0
  check "$context: the first line is orka's own version" grep -qE '^orka [0-9][^ ]* \(plugin ABI [0-9]+\.[0-9]+\)$' "$TMP/out"
  check "$context: names the server's version and URL ($git_version at $url)" contains "$TMP/out" "server: $git_version ($url)"
  check "$context: exec -i: auto → $exec_stdin_wire" contains "$TMP/out" "exec -i: auto → $exec_stdin_wire"
  check "$context: exec (output only): auto → WebSocket" contains "$TMP/out" "exec: auto → WebSocket ("
  check "$context: pf: auto → $pf_wire" contains "$TMP/out" "pf: auto → $pf_wire"
  check "$context: nothing on stderr without -v" test ! -s "$TMP/err"

  "$ORKA" --context "$context" version --server --json >"$TMP/json" 2>"$TMP/err"
  check "$context: --json is one object with the same version and picks" jq_true \
    --arg v "$git_version" --arg url "$url" --argjson minor "$minor" '
      .server.git_version == $v and .server.url == $url and .server.minor == $minor and
      (.auto.exec_stdin.attempts[0].wire | IN("WebSocket", "SPDY/3.1")) and
      (.auto.pf.attempts | length) >= 2 and (.client.version | length) > 0' "$TMP/json"

  "$ORKA" -v --context "$context" version --server >"$TMP/out" 2>"$TMP/err"
  requests=$(grep -c ' [0-9]\{3\} .* in [0-9]*ms$' "$TMP/err")
  check "$context: -v shows exactly one request, GET /version ($requests)" \
    bash -c '[[ $1 == 1 ]] && grep -q "GET .*/version " "$2"' _ "$requests" "$TMP/err"
done

# The choices differ between the two servers: the context really chose the server.
"$ORKA" --context orka-admin@orka version --server --json >"$TMP/old.json" 2>/dev/null
"$ORKA" --context modern version --server --json >"$TMP/new.json" 2>/dev/null
check "--context picks the server: 1.20's exec -i goes SPDY first, the modern front's WebSocket v5" \
  bash -c '[[ $(jq -r ".auto.exec_stdin.attempts[0].wire" "$1") == SPDY/3.1 &&
              $(jq -r ".auto.exec_stdin.attempts[0].protocols[0]" "$2") == v5.channel.k8s.io ]]' _ "$TMP/old.json" "$TMP/new.json"

# --kubeconfig: a copy whose current context points at a port nothing listens on.
refused_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed "s#server: https://127.0.0.1:6443#server: https://127.0.0.1:$refused_port#" "$KUBECONFIG" >"$TMP/refused.kubeconfig"
start=$SECONDS
"$ORKA" --kubeconfig "$TMP/refused.kubeconfig" --context orka-admin@orka version --server >"$TMP/out" 2>"$TMP/err"
rc=$?
check "--kubeconfig with a refusing server: exit 1 (exit $rc) within the timeout ($((SECONDS - start)) s)" \
  test "$rc" -eq 1 -a $((SECONDS - start)) -lt 25
check "the error names the server that failed and what to check" \
  bash -c 'grep -q "cannot get the version of the API server at https://127.0.0.1:$1" "$2" && grep -q "hint: check that the API server" "$2"' _ "$refused_port" "$TMP/err"
check "nothing printed on stdout when the server cannot be asked" test ! -s "$TMP/out"
"$ORKA" --context no-such-context version --server >"$TMP/out" 2>"$TMP/err"
rc=$?
check "an unknown --context is an error naming it (exit $rc)" \
  bash -c '[[ $1 != 0 ]] && grep -q "no-such-context" "$2"' _ "$rc" "$TMP/err"

# ------------------------------------------------------------------------ kubectl orka (plugin)
create_test_namespace "$NS"
kc -n "$NS" apply -f "$FIX/multi-container.yaml" >/dev/null || fatal "apply multi-container.yaml"
kc -n "$NS" wait --for=condition=Ready pod/multi --timeout=120s >/dev/null || fatal "pod multi not ready"

STAGE=$TMP/stage
if ! meson install -C "$BUILD_DIR" --destdir "$STAGE" --no-rebuild >"$TMP/install.log" 2>&1; then
  tail -20 "$TMP/install.log" >&2
  fatal "meson install --destdir failed (build everything first: scripts/build)"
fi
plugin=$(find "$STAGE" -path '*/bin/kubectl-orka' | head -1)
check "meson install puts kubectl-orka in bindir" test -n "$plugin"
[[ -n $plugin ]] || exit 1
BIN=$(dirname "$plugin")
check "kubectl-orka is a link to orka beside it" test "$(readlink "$plugin")" = orka -a -x "$BIN/orka"

kubectl_plugin() { env -u ORKA_PLUGIN_PATH PATH="$BIN:$PATH" timeout 60 "$MODERN_KUBECTL" "$@"; }

kubectl_plugin plugin list >"$TMP/out" 2>"$TMP/err"
check "kubectl plugin list finds kubectl-orka on PATH" contains "$TMP/out" "$BIN/kubectl-orka"

sleep 3  # a few log lines
kubectl_plugin orka ops logs multi -c main -n "$NS" --tail 3 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "kubectl orka ops logs exits 0 (exit $rc)" test "$rc" -eq 0
check "kubectl orka ops logs prints the container's last 3 lines" \
  test "$(grep -c '^main: [0-9]*$' "$TMP/out")" -eq 3 -a "$(wc -l <"$TMP/out")" -eq 3
last_orka=$(tail -1 "$TMP/out")
last_kubectl=$(kc -n "$NS" logs multi -c main --tail 1)
check "the lines are the pod's log (kubectl orka: '$last_orka', kubectl logs: '$last_kubectl')" \
  bash -c '(( ${2#main: } >= ${1#main: } ))' _ "$last_orka" "$last_kubectl"

kubectl_plugin orka plugins --json >"$TMP/out" 2>"$TMP/err"
check "under kubectl, orka loads the installed op plugins (no ORKA_PLUGIN_PATH)" jq_true \
  '(.search_path | length) == 1 and (.search_path[0] | test("/stage/.*/orka/plugins$")) and
   ([.plugins[].name] | index("logs")) != null and (.failures | length) == 0' "$TMP/out"

kubectl_plugin orka --help >"$TMP/out" 2>"$TMP/err"
check "kubectl orka --help names \`kubectl orka\`" contains "$TMP/out" "usage: kubectl orka [global flags]"
kubectl_plugin orka ops logs --help >"$TMP/out" 2>"$TMP/err"
check "kubectl orka ops logs --help names \`kubectl orka ops logs\`" contains "$TMP/out" "usage: kubectl orka ops logs"

kubectl_plugin orka --context modern version --server >"$TMP/out" 2>"$TMP/err"
check "orka's own --context after \`orka\` reaches orka (the modern front's version)" \
  contains "$TMP/out" "server: $(server_facts modern | cut -d' ' -f1)"
kubectl_plugin --context modern orka version >"$TMP/out" 2>"$TMP/err"
rc=$?
check "kubectl refuses its flags before the plugin's name (exit $rc: $(head -c 100 "$TMP/err"))" \
  bash -c '[[ $1 != 0 ]] && grep -q "flags cannot be placed before plugin name" "$2"' _ "$rc" "$TMP/err"

echo "done: $([[ $FAILED == 0 ]] && echo all passed || echo some FAILED)"
