#!/usr/bin/env bash
# Integration test: shell completion driven through bash's own completion function, against
# the real cluster. The script `orka completion bash` prints is sourced into a clean bash; each
# check sets COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as bash would for a typed line (words
# split at '=' and ':' too) and calls the function, then reads COMPREPLY: commands, a plugin's
# flags and values, a third-party plugin's flags, pods and workloads of a namespace this test
# makes, the containers of a two-container pod, nodes, namespaces, contexts, pf ports; the name
# cache's mode and contents; a server that never answers gives no candidates, exit 0, quickly.
# zsh and fish scripts are syntax-checked (lib/test_shells.sh). The man pages: generated,
# lint-clean under groff -ww, every command's flags in its page.
# One line per check; exits non-zero on a failure. Uses $ORKA_BIN (else <build>/app/orka);
# assumes the cluster is up; makes and deletes its own namespace.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 300 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/test_shells.sh"

NS=orka-it-completion-$$
TMP=$(mktemp -d)
SILENT_PID=""

cleanup() {
  local rc=$?
  [[ -n $SILENT_PID ]] && { kill "$SILENT_PID" && wait "$SILENT_PID"; } 2>/dev/null
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    echo "--- diagnostics (namespace $NS)" >&2
    kc -n "$NS" get pods -o wide >&2 2>&1 || true
  fi
  finish_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# `orka` on PATH as the user types it; a cache of its own.
mkdir -p "$TMP/bin" "$TMP/cache"
ln -s "$ORKA" "$TMP/bin/orka"
export PATH="$TMP/bin:$PATH" XDG_CACHE_HOME=$TMP/cache
orka completion bash >"$TMP/orka.bash" || fatal "orka completion bash"
check "the bash script is valid bash" bash -n "$TMP/orka.bash"
check "sourced into an interactive bash, it registers the completion for orka" \
  bash -c "bash --norc --noprofile -i -c 'source $TMP/orka.bash; complete -p orka' 2>/dev/null | grep -q '_orka_complete'"

# The driver: LINE → COMPREPLY, one reply a line, as bash's completion would set it.
cat >"$TMP/drive.bash" <<'DRIVER'
source "$1"
line=$2
words=()
read -ra typed <<<"$line"
for word in "${typed[@]}"; do
  # COMP_WORDBREAKS: '=' and ':' are words of their own.
  while [[ $word =~ ^([^=:]*)([=:])(.*)$ ]]; do
    [[ -n ${BASH_REMATCH[1]} ]] && words+=("${BASH_REMATCH[1]}")
    words+=("${BASH_REMATCH[2]}")
    word=${BASH_REMATCH[3]}
  done
  [[ -n $word ]] && words+=("$word")
done
[[ $line == *" " ]] && words+=("")
COMP_WORDS=("${words[@]}")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMPREPLY=()
_orka_complete
printf '%s\n' "${COMPREPLY[@]}"
DRIVER
complete_line() { bash --norc --noprofile "$TMP/drive.bash" "$TMP/orka.bash" "$1" 2>>"$TMP/drive.err"; }
# offers LINE CANDIDATE...: every CANDIDATE is among the replies for LINE.
offers() {
  local line=$1 candidate replies; shift
  replies=$(complete_line "$line")
  for candidate in "$@"; do
    grep -qxF -- "$candidate" <<<"$replies" || { echo "  '$line' → [$(tr '\n' ' ' <<<"$replies")] lacks '$candidate'" >&2; return 1; }
  done
}
not_offered() { ! complete_line "$1" | grep -qxF -- "$2"; }
# offers_exactly LINE CANDIDATE...: the replies are these, in any order.
offers_exactly() {
  local line=$1 replies; shift
  replies=$(complete_line "$line" | sort)
  [[ $replies == "$(printf '%s\n' "$@" | sort)" ]] || { echo "  '$line' → [$(tr '\n' ' ' <<<"$replies")], wanted [$*]" >&2; return 1; }
}

create_test_namespace "$NS"
kc -n "$NS" apply -f "$FIX/multi-container.yaml" -f "$FIX/web.yaml" >/dev/null || fatal "apply fixtures"
kc -n "$NS" wait --for=condition=Ready pod/multi --timeout=120s >/dev/null || fatal "pod multi not ready"
kc -n "$NS" rollout status deploy/web --timeout=120s >/dev/null || fatal "deploy/web not ready"
web_pod=$(kc -n "$NS" get pods -l app=web -o jsonpath='{.items[0].metadata.name}')

# Commands and flags: what --help says, from what the plugins registered.
check "commands at the top" offers "orka " ops plugins version completion man help
check "ops from the loaded plugins (and aliases)" offers "orka ops " logs exec pf port-forward scale rr delete cordon uncordon drain caps
check "a plugin's flags: logs --fo → --follow" offers_exactly "orka ops logs --fo" --follow
check "a plugin's flag values: exec --transport" offers_exactly "orka ops exec --transport " auto websocket spdy
check "scale --mode=a (split at '=' by bash)" offers_exactly "orka ops scale --mode=a" apply
check "completion's shells" offers_exactly "orka completion " bash fish zsh
fixtures=$(cd "$(dirname "$ORKA")/.." && pwd)/tests/plugins
if [[ -f $fixtures/orka-hello.so ]]; then
  check "a third-party plugin's op and its flags" offers "orka --plugin-path $fixtures ops h" hello hi
  check "... its flags (named in its own help)" offers_exactly "orka --plugin-path $fixtures ops hello --s" --sleep --stubborn
else
  fail "the fixture plugin $fixtures/orka-hello.so is missing (build everything: scripts/build)"
fi

# Live names.
check "pods of the namespace on the line, and the workload types" offers "orka -n $NS ops logs " multi "$web_pod" deploy/ sts/
check "deploy/ → the deployments" offers_exactly "orka -n $NS ops logs deploy/" deploy/web
check "pf takes services too: svc/ → the services" offers_exactly "orka -n $NS ops pf svc/" svc/web
check "logs takes no service: no svc/ offered" not_offered "orka -n $NS ops logs " svc/
check "pf svc/w → svc/web" offers_exactly "orka --namespace=$NS ops pf svc/w" svc/web
check "containers of the pod already on the line (-c)" offers_exactly "orka -n $NS ops logs multi -c " init main sidecar
check "containers of a workload's pods (exec deploy/web -c)" offers_exactly "orka -n $NS ops exec deploy/web -c " httpd
check "pf ports of the target: named and numbered" offers_exactly "orka -n $NS ops pf deploy/web " 8080 http
check "pf LOCAL:REMOTE (split at ':' by bash)" offers_exactly "orka -n $NS ops pf deploy/web 9000:h" http
nodes=$(kc get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}')
# shellcheck disable=SC2086 # one node a word
check "nodes (cordon)" offers_exactly "orka ops cordon " $nodes
# shellcheck disable=SC2086
check "nodes (drain)" offers_exactly "orka ops drain " $nodes
check "namespaces (-n)" offers "orka -n " default kube-system "$NS"
check "namespaces (--namespace=PREFIX)" offers_exactly "orka --namespace=${NS%-*}-" "$NS"

cp "$KUBECONFIG" "$TMP/two-contexts"
kc --kubeconfig "$TMP/two-contexts" config set-context orka-it-other --cluster=x --user=y >/dev/null || fatal "set-context"
mapfile -t contexts < <(kc --kubeconfig "$TMP/two-contexts" config get-contexts -o name)
check "contexts from the kubeconfig, no request (${#contexts[@]})" offers_exactly "orka --kubeconfig $TMP/two-contexts --context " "${contexts[@]}"

# kubectl orka <TAB>: kubectl (1.26+) runs kubectl_complete-orka, installed beside orka.
ln -s "$ORKA" "$TMP/bin/kubectl_complete-orka"
ln -s "$ORKA" "$TMP/bin/kubectl-orka"  # kubectl completes only plugins it finds
newest=$(find_kubectl newest)
if [[ $("$newest" version --client -o json 2>/dev/null | jq -r .clientVersion.minor | tr -dc 0-9) -ge 26 ]]; then
  check "kubectl orka <TAB> ($(basename "$newest")): pods through kubectl_complete-orka" \
    bash -c "'$newest' __complete orka -n '$NS' ops logs '' 2>/dev/null | grep -qx multi"
else
  fail "no kubectl 1.26 or newer to check kubectl's plugin completion with ($newest)"
fi

cache_files=("$TMP"/cache/orka/completion/*.json)
check "the names were cached" test -f "${cache_files[0]}"
check "cache files are 0600 in a 0700 folder" bash -c "[[ \$(stat -c %a '$TMP/cache/orka/completion') == 700 ]] && ! find '$TMP/cache/orka/completion' -type f ! -perm 600 | grep -q ."
check "cache files hold names only (no key, certificate or token)" bash -c "! grep -lE 'BEGIN|token|password|client-key' '$TMP'/cache/orka/completion/*.json"
check "the bash driver wrote no errors" test ! -s "$TMP/drive.err"

# A server that accepts and never answers: nothing, exit 0, within the 2 s list limit (+ start).
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' >"$TMP/silent.port" &
SILENT_PID=$!
eventually 10 test -s "$TMP/silent.port" || fatal "silent listener did not start"
cat >"$TMP/silent.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: silent, cluster: {server: "https://127.0.0.1:$(cat "$TMP/silent.port")", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: not-a-secret-here}}]
contexts: [{name: silent, context: {cluster: silent, user: u, namespace: x}}]
current-context: silent
KC
started=$(date +%s%N)
orka __complete --kubeconfig "$TMP/silent.kubeconfig" ops logs "" >"$TMP/silent.out" 2>"$TMP/silent.err"
rc=$?
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
check "a silent server: exit 0" test "$rc" = 0
check "a silent server: answered in ${elapsed_ms} ms (< 4000)" test "$elapsed_ms" -lt 4000
check "a silent server: no pod names, only the static type prefixes and the directive" \
  bash -c "grep -vxE '[a-z]+/|:[0-9]+' '$TMP/silent.out' | grep -q . && exit 1; tail -n 1 '$TMP/silent.out' | grep -qxE ':[0-9]+'"
check "a silent server: nothing on stderr" test ! -s "$TMP/silent.err"

# zsh and fish: their scripts parse (the shells from Debian's packages, not installed).
for shell in zsh fish; do
  if runner=$(test_shell "$shell"); then
    orka completion "$shell" >"$TMP/orka.$shell"
    # shellcheck disable=SC2086 # the runner may be "env LD_LIBRARY_PATH=... fish"
    check "the $shell script parses ($shell -n)" $runner -n "$TMP/orka.$shell"
  else
    fail "no $shell to check the $shell script with (see above)"
  fi
done

# Man pages.
check "orka man writes the pages" bash -c "orka man '$TMP/man' >'$TMP/man.list'"
check "one page per op" bash -c "for op in logs exec pf scale rr delete cordon drain caps; do test -f '$TMP/man/orka-ops-'\$op.1 || exit 1; done; test -f '$TMP/man/orka.1'"
# What `man -l` shows, without man-db: groff's own rendering, overstrikes removed.
render() { groff -man -Tascii -rLL=200n "$1" 2>/dev/null | col -bx; }
lint_clean=1
for page in "$TMP"/man/*.1; do
  warnings=$(groff -ww -man -z "$page" 2>&1)
  [[ -z $warnings ]] || { echo "  $(basename "$page"): $warnings" >&2; lint_clean=0; }
done
check "every page is lint-clean (groff -ww -man -z)" test "$lint_clean" = 1
missing=""
for op in logs exec pf scale rr delete cordon drain caps; do
  rendered=$(render "$TMP/man/orka-ops-$op.1")
  for flag in $(orka ops "$op" --help | grep -oE '^  (-[a-z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+'); do
    grep -qF -- "$flag" <<<"$rendered" || missing+=" $op:$flag"
  done
done
check "every command's flags are in its rendered page${missing:+ (missing:$missing)}" test -z "$missing"
for flag in --kubeconfig --context --namespace --plugin-path --cache-dir; do
  grep -qF -- "$flag" <<<"$(render "$TMP/man/orka.1")" || missing+=" orka:$flag"
done
check "orka(1) has the global flags" test -z "$missing"
