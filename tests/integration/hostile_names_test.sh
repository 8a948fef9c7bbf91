#!/usr/bin/env bash
# Integration test: names that try to retarget or smuggle requests (issue 11, finding 1) on the
# real cluster. Each attack is one a hostile script could pass to orka; each must leave the
# marker objects (configmaps, a pod, a deployment's replica count) exactly as they were and
# exit non-zero with a message that quotes the name and says which rule it breaks. Also: a
# name with a space is refused client-side, and a missing namespace is named as missing.
# Uses $ORKA_BIN (default: <build>/app/orka) and kubectl for setup and checks. One line per
# check; exits non-zero if any check failed.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-names-$$
MISSING_NS=orka-it-no-such-ns-$$
FAILED=0
TMP=$(mktemp -d)

orka() { timeout 120 "$ORKA" "$@"; }

cleanup() {
  local rc=$?
  kc delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  [[ -n ${KEEP_TMP:-} ]] || rm -rf "$TMP"
  if [[ $rc == 0 && $FAILED != 0 ]]; then exit 1; fi
}
trap cleanup EXIT

echo "orka: $ORKA; KUBECONFIG=$KUBECONFIG; namespace $NS"

create_test_namespace "$NS"
for cm in marker marker2 marker3; do
  kc -n "$NS" create configmap "$cm" --from-literal=keep=yes >/dev/null || fatal "create configmap $cm"
done
# The pod and the deployment are only API objects here: nothing needs them running.
kc -n "$NS" run p --image=orka/busybox:latest --image-pull-policy=Never --restart=Never \
  --command -- sleep 3600 >/dev/null || fatal "create pod p"
kc -n "$NS" create deployment x --image=orka/busybox:latest >/dev/null || fatal "create deployment x"

jp() { kc -n "$NS" get "$1" -o jsonpath="$2" 2>/dev/null; }
POD_UID=$(jp pod/p '{.metadata.uid}')
DEPLOY_GENERATION=$(jp deploy/x '{.metadata.generation}')
[[ -n $POD_UID && -n $DEPLOY_GENERATION ]] || fatal "read pod p / deployment x"
configmap_kept() { [[ $(jp "configmap/$1" '{.data.keep}') == yes ]]; }
pod_kept() { [[ $(jp pod/p '{.metadata.uid}') == "$POD_UID" && -z $(jp pod/p '{.metadata.deletionTimestamp}') ]]; }
replicas_kept() { [[ $(jp deploy/x '{.spec.replicas}') == 1 ]]; }
deployment_kept() { [[ $(jp deploy/x '{.metadata.generation}') == "$DEPLOY_GENERATION" ]]; }

# Runs orka with the remaining arguments; sets RC, output in $TMP/out and $TMP/err.
run() {
  orka "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
}
# The checks every refused name gets: usage exit code, the rule named, no success printed.
refused_as_usage() { # label, what the message names (e.g. 'pod name')
  check "$1: exits 2 (usage error)" [ "$RC" -eq 2 ]
  check "$1: the message names the ${2}" contains "$TMP/err" "$2"
  check "$1: the message says the name is not valid" contains "$TMP/err" "is not valid"
  check "$1: the hint names the API server's rule" contains "$TMP/err" "DNS-1123"
  check "$1: nothing reported as done" lacks "$TMP/out" "deleted"
}

# ---------------------------------------------------------------- CR/LF smuggling in delete
smuggled=$'pod/p HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nDELETE /api/v1/namespaces/'"$NS"$'/configmaps/marker HTTP/1.1\r\nX-Ignore: y'
run -n "$NS" ops delete "$smuggled"
refused_as_usage "delete with CR/LF in the name" "pod name"
check "delete with CR/LF: the name is quoted with \\r\\n escaped" contains "$TMP/err" 'p HTTP/1.1\r\nHost: 127.0.0.1\r\n'
check "delete with CR/LF: no raw CR reaches the terminal" lacks "$TMP/err" $'\r'
check "delete with CR/LF: the hidden DELETE did not run (configmap marker kept)" configmap_kept marker
check "delete with CR/LF: pod p kept" pod_kept

# ---------------------------------------------------------------- a path hidden in -n
run -n "$NS/configmaps/marker2?x=" ops delete p
refused_as_usage "delete with -n 'NS/configmaps/marker2?x='" "namespace name"
check "-n with a path: configmap marker2 kept" configmap_kept marker2
check "-n with a path: pod p kept" pod_kept

# ---------------------------------------------------------------- a query hidden in the name
run -n "$NS" ops delete 'p?dryRun=All'
refused_as_usage "delete 'p?dryRun=All'" "pod name"
check "delete 'p?dryRun=All': the message points at the '?'" contains "$TMP/err" "'?' (at position 2) is not allowed"
check "delete 'p?dryRun=All': pod p kept" pod_kept

run -n "$NS" ops scale 'deploy/x?a=' --replicas 2
refused_as_usage "scale 'deploy/x?a='" "name \"x?a=\""
check "scale 'deploy/x?a=': replicas still 1 (the deployment was not patched)" replicas_kept
check "scale 'deploy/x?a=': generation unchanged" deployment_kept

run -n "$NS" ops rr 'deploy/x?dryRun=All'
refused_as_usage "rr 'deploy/x?dryRun=All'" "name \"x?dryRun=All\""
check "rr 'deploy/x?dryRun=All': no \"restarted\" reported" lacks "$TMP/out" "restarted"
check "rr 'deploy/x?dryRun=All': deployment not restarted (generation unchanged)" deployment_kept

# ---------------------------------------------------------------- CR/LF smuggling in cordon
# The hidden request deletes a configmap, so no node of the shared cluster is touched even by
# an orka without the fix; the second name is a node that does not exist.
smuggled_node=$'node/orka-no-such-node HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nDELETE /api/v1/namespaces/'"$NS"$'/configmaps/marker3 HTTP/1.1\r\nX-Ignore: y'
run ops cordon "$smuggled_node" "orka-it-no-such-node-$$"
refused_as_usage "cordon with CR/LF in the name" "node name"
check "cordon with CR/LF: no raw CR reaches the terminal" lacks "$TMP/err" $'\r'
check "cordon with CR/LF: the hidden DELETE did not run (configmap marker3 kept)" configmap_kept marker3
check "cordon with CR/LF: nothing reported as cordoned" lacks "$TMP/out" "cordoned"

# ---------------------------------------------------------------- a name with a space
run -n "$NS" ops delete 'my pod'
refused_as_usage "delete 'my pod'" "pod name \"my pod\""
check "delete 'my pod': the message points at the space" contains "$TMP/err" "a space (at position 3) is not allowed"
check "delete 'my pod': no bare 400 Bad Request" lacks "$TMP/err" "400"

run -n "$NS" ops logs 'my pod'
refused_as_usage "logs 'my pod'" "pod name \"my pod\""

# ---------------------------------------------------------------- a namespace that does not exist
run -n "$MISSING_NS" ops logs p
check "logs in a missing namespace: exits 1" [ "$RC" -eq 1 ]
check "logs in a missing namespace: says the namespace does not exist" \
  contains "$TMP/err" "namespace \"$MISSING_NS\" does not exist"
check "logs in a missing namespace: hints at -n" contains "$TMP/err" "-n/--namespace"

run -n "$MISSING_NS" ops delete p
check "delete in a missing namespace: exits 1" [ "$RC" -eq 1 ]
check "delete in a missing namespace: says the namespace does not exist" \
  contains "$TMP/err" "namespace \"$MISSING_NS\" does not exist"

run -n "$MISSING_NS" ops scale deploy/x --replicas 2
check "scale in a missing namespace: exits 1" [ "$RC" -eq 1 ]
check "scale in a missing namespace: says the namespace does not exist" \
  contains "$TMP/err" "namespace \"$MISSING_NS\" does not exist"

# A missing object in a namespace that exists is still just a missing object.
run -n "$NS" ops logs no-such-pod
check "logs of a missing pod: exits 1" [ "$RC" -eq 1 ]
check "logs of a missing pod: names the pod" contains "$TMP/err" "no-such-pod"
check "logs of a missing pod: does not blame the namespace" lacks "$TMP/err" "does not exist"

# ---------------------------------------------------------------- everything is still there
check "at the end: all three marker configmaps exist" bash -c \
  "[[ \$('$KUBECTL_BIN' -n '$NS' get configmaps marker marker2 marker3 -o name | wc -l) -eq 3 ]]"
check "at the end: pod p is the same pod" pod_kept
check "at the end: deployment x still has 1 replica" replicas_kept

[[ $FAILED == 0 ]] && echo "hostile_names_test: all checks passed"
exit "$FAILED"
