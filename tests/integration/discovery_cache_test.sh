#!/usr/bin/env bash
# Integration test: the discovery snapshot on disk, against the real API server. A cold cache
# walks discovery once and writes the file; a warm one makes the op's own requests only; a CRD
# created after the snapshot is found by refetching once; a damaged file is replaced; an unknown
# type is still refused after exactly one refetch.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
require_orka
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

NS=orka-it-disco-$$
GROUP="disco$$.orka.test"
CRD="widgets.$GROUP"
TMP=$(mktemp -d)
CACHE=$TMP/cache

cleanup() {
  local rc=$?
  if [[ $rc != 0 || $FAILED != 0 ]]; then
    for f in "$TMP"/*.err; do [[ -f $f ]] && { echo "--- $f" >&2; cat "$f" >&2; }; done
  fi
  kc delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  kc delete crd "$CRD" --wait=false >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

requests() { grep -cE '^(GET|PATCH|POST|PUT|DELETE) https://' "$1"; }
orka_v() { # name, then orka arguments: stdout to $TMP/name.out, -v lines to $TMP/name.err
  local name=$1; shift
  "$ORKA" --cache-dir "$CACHE" -v -n "$NS" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
}

create_test_namespace "$NS"
kc -n "$NS" create deployment app --image=orka/busybox:latest --replicas=0 -- sleep 3600 >/dev/null ||
  fatal "create deployment"

orka_v cold ops scale deploy/app --replicas 0 || fail "cold scale exited $?"
check "a cold cache walks discovery and says so" contains "$TMP/cold.err" "not used (absent)"
check "the walk reads /apis" grep -q '^GET https://[^ ]*/apis 200' "$TMP/cold.err"
cold=$(requests "$TMP/cold.err")
check "the cold walk fetched the group documents ($cold requests)" test "$cold" -gt 10
files=("$CACHE"/discovery/*/*.json)
check "the snapshot was written to one file under --cache-dir" test -f "${files[0]}" -a ${#files[@]} -eq 1
check "the snapshot file is private (0600)" test "$(stat -c %a "${files[0]}")" = 600

orka_v warm ops scale deploy/app --replicas 0 || fail "warm scale exited $?"
check "a warm cache is used" contains "$TMP/warm.err" "discovery: from"
warm=$(requests "$TMP/warm.err")
check "a warm scale makes only its own 2 requests (made $warm)" test "$warm" -eq 2

# A CRD created after the snapshot: orka must find it by fetching discovery again once.
kc apply -f - >/dev/null <<YAML || fatal "create CRD"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: $CRD}
spec:
  group: $GROUP
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {replicas: {type: integer}}}
          status: {type: object, properties: {replicas: {type: integer}}}
    subresources:
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
YAML
kc wait --for condition=established "crd/$CRD" --timeout=60s >/dev/null || fatal "CRD not established"
kc -n "$NS" apply -f - >/dev/null <<YAML || fatal "create widget"
apiVersion: $GROUP/v1
kind: Widget
metadata: {name: w1}
spec: {replicas: 1}
YAML
orka_v crd ops scale "widgets.$GROUP/w1" --replicas 3 || fail "scale of a new CRD's object exited $?"
check "a type missing from the snapshot triggers one refetch" contains "$TMP/crd.err" "is not in the cached snapshot, fetching it again"
check "the new CRD's object was scaled" test "$(kc -n "$NS" get "widgets.$GROUP" w1 -o jsonpath='{.spec.replicas}')" = 3
orka_v crd_warm ops scale "widgets.$GROUP/w1" --replicas 2 || fail "second CRD scale exited $?"
check "the refetched snapshot was kept: the next run finds the CRD from disk" lacks "$TMP/crd_warm.err" "fetching it again"

orka_v unknown ops scale nosuchthings/x --replicas 1
rc=$?
check "an unknown type is still refused (exit $rc)" test "$rc" -ne 0
check "with the server's own words" contains "$TMP/unknown.err" "doesn't have a resource type \"nosuchthings\""
refetches=$(grep -c "fetching it again" "$TMP/unknown.err")
check "after exactly one refetch (saw $refetches)" test "$refetches" -eq 1

printf '{"format":"orka.discovery/v1","resources":' >"${files[0]}"
orka_v damaged ops scale deploy/app --replicas 0 || fail "scale with a damaged snapshot exited $?"
check "a damaged snapshot is not used" contains "$TMP/damaged.err" "not used (damaged"
orka_v repaired ops scale deploy/app --replicas 0 || fail "scale after repair exited $?"
check "and is replaced by a whole one" contains "$TMP/repaired.err" "discovery: from"

# The plugin index beside the snapshot (orka/plugin_index.hpp): written by a load of every
# plugin, then a command loads only its own.
check "the plugin index was written under --cache-dir, private (0600)" \
  test "$(stat -c %a "$CACHE/plugins/index.json" 2>/dev/null)" = 600
"$ORKA" --cache-dir "$CACHE" -vv -n "$NS" ops scale deploy/app --replicas 0 >/dev/null 2>"$TMP/index.err" ||
  fail "scale with the plugin index exited $?"
check "a command loads only its plugin through the index" \
  grep -q 'plugin index: loaded only .*orka-scale.so' "$TMP/index.err"
check "and no other plugin" lacks "$TMP/index.err" 'loaded plugin plugin "logs"'
"$ORKA" --cache-dir "$CACHE" -vv -n "$NS" ops scalee deploy/app --replicas 0 >/dev/null 2>"$TMP/typo.err"
check "an op no plugin adds still gets its suggestion, every plugin loaded" \
  contains "$TMP/typo.err" 'did you mean `orka ops scale`'

exit "$FAILED"
