#!/usr/bin/env bash
# The SDK as a third party uses it: orka installed into a temporary prefix (meson install), the
# two examples built out of tree against that prefix with `dependency('orka')` (pkg-config),
# then, on the real cluster:
#   - examples/hello-plugin dropped into ORKA_PLUGIN_PATH: `orka ops hello` runs its typed op,
#     `orka plugins` lists it beside the eight, `orka ops caps` lists its permission check;
#   - examples/embed, a GUI's life in one program: it follows the logs of a deployment while the
#     test scales it up (the new pod's stream starts) and deletes a pod (its stream ends), runs an
#     exec, forwards a port and fetches a page through it, and ends cleanly when its stdin
#     closes; run again with a stream limit below the pod count, it is refused with the count.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-sdk-$$
TMP=$(mktemp -d)
EMBED_PID=""
BUILD=$(cd "$(dirname "$ORKA")/.." && pwd)

cleanup() {
  local rc=$?
  [[ -n $EMBED_PID ]] && kill "$EMBED_PID" 2>/dev/null
  exec 7>&- 2>/dev/null
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics" >&2
    for f in "$TMP"/*.log "$TMP"/*.out; do [[ -f $f ]] && { echo "--- $f" >&2; tail -30 "$f" >&2; }; done
    kc -n "$NS" get pods -o wide >&2 2>&1 || true
  fi
  kc delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [[ $rc == 0 && $FAILED != 0 ]]; then exit 1; fi
}
trap cleanup EXIT

# --- install into a temporary prefix, build the examples against it
DEST=$TMP/root
meson install -C "$BUILD" --destdir "$DEST" --quiet >"$TMP/install.log" 2>&1 || fatal "meson install (see $TMP/install.log)"
PREFIX=$DEST$(meson introspect "$BUILD" --buildoptions | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
PC=$(find "$PREFIX" -name orka.pc | head -n 1)
[[ -n $PC ]] || fatal "no orka.pc installed under $PREFIX"
# The destdir is the prefix now: say so in the .pc file, as an installer relocating it would.
sed -i "s|^prefix=.*|prefix=$PREFIX|" "$PC"
export PKG_CONFIG_PATH=$(dirname "$PC")
INSTALLED_ORKA=$PREFIX/bin/orka
check "the installed SDK: headers, liborka, pkg-config with pluginsdir and toolchain" \
  bash -c "[[ -f $PREFIX/include/orka/op.hpp && -x $INSTALLED_ORKA ]] &&
           [[ \$(pkg-config --variable=pluginsdir orka) == $PREFIX/* ]] &&
           [[ -n \$(pkg-config --variable=toolchain orka) ]]"
check "the installed orka finds its eight plugins with no variable" \
  bash -c "env -u ORKA_PLUGIN_PATH '$INSTALLED_ORKA' plugins --json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert len(r[\"plugins\"]) == 8 and not r[\"failures\"], r'"

cxx=g++
command -v ccache >/dev/null && cxx="ccache g++"
for example in hello-plugin embed; do
  if CXX="$cxx" meson setup "$TMP/$example" "$ROOT/examples/$example" >"$TMP/$example-setup.log" 2>&1 &&
     ninja -C "$TMP/$example" >"$TMP/$example-build.log" 2>&1; then
    pass "examples/$example builds out of tree against the installed SDK"
  else
    cat "$TMP/$example-setup.log" "$TMP/$example-build.log" >&2
    fatal "examples/$example does not build against the installed SDK"
  fi
done

create_test_namespace "$NS"
kc -n "$NS" apply -f "$FIX/web.yaml" >/dev/null || fatal "apply web.yaml"
kc -n "$NS" rollout status deploy/web --timeout=120s >/dev/null || fatal "web did not become ready"

# --- the third-party plugin, dropped into ORKA_PLUGIN_PATH
hello() { ORKA_PLUGIN_PATH=$TMP/hello-plugin timeout 60 "$INSTALLED_ORKA" -n "$NS" "$@"; }
hello ops hello Ada --pods >"$TMP/hello.out" 2>&1
check "orka ops hello runs the plugin's typed op against the cluster" contains "$TMP/hello.out" "hello, Ada! (namespace $NS has 2 pods)"
hello plugins --json >"$TMP/plugins.out" 2>&1
check "orka plugins lists the third-party plugin beside the eight" \
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); names={p["name"] for p in r["plugins"]}; assert "hello" in names and len(names) == 9 and not r["failures"], r' "$TMP/plugins.out"
hello ops caps --json >"$TMP/caps.out" 2>&1
check "orka ops caps lists the third-party op's permission check" \
  python3 -c 'import json,sys; ops={o["op"]: o for o in json.load(open(sys.argv[1]))["ops"]}; g=ops["greet"]; assert g["checks"][0]["verb"] == "list" and g["checks"][0]["resource"] == "pods" and g["allowed"] is True, g' "$TMP/caps.out"

# --- the embedding program
mkfifo "$TMP/stdin"
"$TMP/embed/orka-embed" --deployment web --namespace "$NS" --port http --seconds 240 <"$TMP/stdin" >"$TMP/embed.out" 2>&1 &
EMBED_PID=$!
exec 7>"$TMP/stdin"  # its stdin stays open until the test closes it
seen() { contains "$TMP/embed.out" "$1"; }
check "embed: the logs of both pods are followed" eventually 60 bash -c "[[ \$(grep -c '^logs: started web-' '$TMP/embed.out') -ge 2 ]]"
check "embed: exec ran in one of the pods" eventually 60 seen "exec: hello from web-"
check "embed: exec reported the remote exit code" seen "exec: exit 0"
check "embed: the forward became ready and a page came through it" eventually 60 grep -q "^pf: GET / -> HTTP/1\.[01] 200" "$TMP/embed.out"
check "embed: the forwarded connection closed with its byte counts" eventually 30 grep -q "^pf: connection 1 closed ([1-9][0-9]* bytes in" "$TMP/embed.out"

before=$(kc -n "$NS" get pods -l app=web -o jsonpath='{.items[*].metadata.name}')
timeout 120 "$ORKA" -n "$NS" ops scale deploy/web --replicas 3 --wait --timeout 90s >/dev/null || fail "scale to 3"
new_pod() { for p in $(kc -n "$NS" get pods -l app=web -o jsonpath='{.items[*].metadata.name}'); do [[ " $before " == *" $p "* ]] || { echo "$p"; return 0; }; done; return 1; }
eventually 60 new_pod >/dev/null
NEW=$(new_pod)
check "embed: the pod that appeared after the scale-up is followed ($NEW)" eventually 60 seen "logs: started $NEW/httpd"
VICTIM=${before%% *}
kc -n "$NS" delete pod "$VICTIM" --wait=false >/dev/null || fail "delete $VICTIM"
check "embed: the deleted pod's stream ended ($VICTIM)" eventually 90 seen "logs: ended $VICTIM/httpd"

exec 7>&-  # end of stdin: the program cancels everything and waits for it
rc=0
timeout 60 tail --pid="$EMBED_PID" -f /dev/null || rc=1
wait "$EMBED_PID" || rc=$?
EMBED_PID=""
check "embed: ends by itself once its stdin closes, exit 0" test "$rc" -eq 0
check "embed: every stream ended before it did" seen "done: every stream ended"
check "embed: nothing failed" lacks "$TMP/embed.out" "failed"

# --- a stream limit below the pod count is refused, with the count
eventually 60 bash -c "[[ \$('$KUBECTL_BIN' -n '$NS' get pods -l app=web --field-selector=status.phase=Running -o name | wc -l) -eq 3 ]]"
timeout 60 "$TMP/embed/orka-embed" --deployment web --namespace "$NS" --max-streams 2 --seconds 5 </dev/null >"$TMP/limit.out" 2>&1
rc=$?
check "embed with --max-streams 2: exit 1" test "$rc" -eq 1
check "embed with --max-streams 2: refused, naming the count and the limit" \
  contains "$TMP/limit.out" "logs: refused: 3 log streams match (pods × containers), more than the limit of 2"

exit "$FAILED"
