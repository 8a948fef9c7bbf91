#!/usr/bin/env bash
# Integration test: `orka ops scale` and `orka ops rr` through the fault proxy
# (docs/fault-proxy.md): what is safe to repeat is repeated, what is not is reported honestly.
# Safe: a GET answered 5xx or cut mid-body; a PATCH answered 429 or 503 *with* Retry-After (the
# server says it did not act). Not safe, so reported, never repeated: a PATCH answered 500
# without Retry-After, one whose connection was reset before any answer (the server may have
# applied it), one whose 200 answer was cut mid-body (the server did apply it). Each check
# compares orka's exit code and words with what the cluster really holds afterwards and with
# how many PATCHes the proxy saw. One line per check; exits non-zero on a failure.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded.sh"
bound_test 240 "$@"

source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/fault_proxy.sh"

fault_test_begin scale
# Its pods stay Pending (no node matches): scaling and restarting it costs the nodes nothing.
kc -n "$NS" apply -f - >/dev/null <<'YAML' || fatal "create deployment app"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      nodeSelector: {orka-test: nowhere}
      containers:
      - name: sleeper
        image: orka/busybox:latest
        imagePullPolicy: Never
        command: ["sleep", "3600"]
YAML

DEPLOY="/apis/apps/v1/namespaces/$NS/deployments/app"
replicas() { kc -n "$NS" get deploy app -o jsonpath='{.spec.replicas}'; }
restarted_at() { kc -n "$NS" get deploy app -o jsonpath='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}'; }
patches() { fault_requests | jq '[.[] | select(.method == "PATCH")] | length'; }
# run CASE RULES-JSON orka-args...: sets the rules, runs orka through the proxy (own discovery
# cache, bounded), keeps exit code, output and how many PATCHes it sent.
run() {
  local name=$1 rules=$2 before; shift 2
  fault_rules "{\"rules\": [$rules]}" || fatal "rules for $name"
  before=$(patches)
  timeout --kill-after=5 60 "$ORKA" --kubeconfig "$FAULT_KUBECONFIG" --cache-dir "$TMP/cache" -n "$NS" \
    "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  echo $? >"$TMP/$name.rc"
  echo $(($(patches) - before)) >"$TMP/$name.patches"
}
rc_of() { cat "$TMP/$1.rc"; }
patches_of() { cat "$TMP/$1.patches"; }
err_of() { head -c 300 "$TMP/$1.err" | tr '\n' ' '; }
rule() { # name method target action-fields
  echo "{\"name\": \"$1\", \"match\": {\"method\": \"$2\", \"target\": \"$3\"}, $4}"
}

# ------------------------------------------------------------------ scale: repeated when safe
run scale-429 "$(rule scale-429 PATCH "$DEPLOY/scale\$" '"action": "respond", "status": 429, "retry_after": "1"')" \
  ops scale deploy/app --replicas 2
check "scale, PATCH answered 429 with Retry-After: repeated, exit 0 (exit $(rc_of scale-429), $(patches_of scale-429) PATCHes; $(err_of scale-429))" \
  test "$(rc_of scale-429)" -eq 0 -a "$(patches_of scale-429)" -eq 2
check "scale, PATCH answered 429 with Retry-After: the cluster has 2 replicas" test "$(replicas)" = 2

run scale-503-ra "$(rule scale-503-ra PATCH "$DEPLOY/scale\$" '"action": "respond", "status": 503, "retry_after": "1"')" \
  ops scale deploy/app --replicas 3
check "scale, PATCH answered 503 with Retry-After: repeated, exit 0 (exit $(rc_of scale-503-ra), $(patches_of scale-503-ra) PATCHes)" \
  test "$(rc_of scale-503-ra)" -eq 0 -a "$(patches_of scale-503-ra)" -eq 2
check "scale, PATCH answered 503 with Retry-After: the cluster has 3 replicas" test "$(replicas)" = 3

run scale-get-503 "$(rule scale-get-503 GET "$DEPLOY/scale\$" '"action": "respond", "status": 503')" \
  ops scale deploy/app --replicas 4
check "scale, GET answered 503 without Retry-After: repeated (a GET is), exit 0 (exit $(rc_of scale-get-503); $(err_of scale-get-503))" \
  test "$(rc_of scale-get-503)" -eq 0 -a "$(fault_struck scale-get-503)" -eq 1
check "scale, GET answered 503: the cluster has 4 replicas" test "$(replicas)" = 4

run scale-get-cut "$(rule scale-get-cut GET "$DEPLOY/scale\$" '"action": "cut", "after_bytes": 40')" \
  ops scale deploy/app --replicas 5
check "scale, GET cut mid-body: asked again, exit 0 (exit $(rc_of scale-get-cut); $(err_of scale-get-cut))" \
  test "$(rc_of scale-get-cut)" -eq 0 -a "$(fault_struck scale-get-cut)" -eq 1
check "scale, GET cut mid-body: the cluster has 5 replicas" test "$(replicas)" = 5

# ------------------------------------------------------------------ scale: reported when not
run scale-500 "$(rule scale-500 PATCH "$DEPLOY/scale\$" '"action": "respond", "status": 500')" \
  ops scale deploy/app --replicas 6
check "scale, PATCH answered 500 without Retry-After: not repeated, exit 1 (exit $(rc_of scale-500), $(patches_of scale-500) PATCH)" \
  test "$(rc_of scale-500)" -eq 1 -a "$(patches_of scale-500)" -eq 1
check "scale, PATCH answered 500: the error names the 500 ($(err_of scale-500))" grep -qE '500|[Ii]nternal' "$TMP/scale-500.err"
check "scale, PATCH answered 500: the cluster still has 5 replicas" test "$(replicas)" = 5

run scale-lost "$(rule scale-lost PATCH "$DEPLOY/scale\$" '"action": "reset", "when": "response"')" \
  ops scale deploy/app --replicas 7
check "scale, PATCH applied but its answer lost: not repeated, exit 1 (exit $(rc_of scale-lost), $(patches_of scale-lost) PATCH)" \
  test "$(rc_of scale-lost)" -eq 1 -a "$(patches_of scale-lost)" -eq 1
check "scale, PATCH answer lost: the error says it may have been applied ($(err_of scale-lost))" \
  grep -q "may have applied it" "$TMP/scale-lost.err"
check "scale, PATCH answer lost: the hint says to check the object" grep -q "^hint: check the object" "$TMP/scale-lost.err"
check "scale, PATCH answer lost: and indeed the cluster has 7 replicas" test "$(replicas)" = 7

run scale-reset "$(rule scale-reset PATCH "$DEPLOY/scale\$" '"action": "reset", "when": "request"')" \
  ops scale deploy/app --replicas 8
check "scale, PATCH reset before an answer: not repeated, exit 1 (exit $(rc_of scale-reset), $(patches_of scale-reset) PATCH)" \
  test "$(rc_of scale-reset)" -eq 1 -a "$(patches_of scale-reset)" -eq 1
check "scale, PATCH reset: the error says it may have been applied ($(err_of scale-reset))" \
  grep -q "may have applied it" "$TMP/scale-reset.err"
check "scale, PATCH reset (it never reached the server): the cluster still has 7 replicas" test "$(replicas)" = 7

run scale-body-cut "$(rule scale-body-cut PATCH "$DEPLOY/scale\$" '"action": "cut", "after_bytes": 30')" \
  ops scale deploy/app --replicas 9
check "scale, PATCH's 200 answer cut mid-body: not repeated, exit 1 (exit $(rc_of scale-body-cut), $(patches_of scale-body-cut) PATCH)" \
  test "$(rc_of scale-body-cut)" -eq 1 -a "$(patches_of scale-body-cut)" -eq 1
check "scale, PATCH's answer cut: the error says the change was made ($(err_of scale-body-cut))" \
  grep -q "the change was made and only its answer was lost" "$TMP/scale-body-cut.err"
check "scale, PATCH's answer cut: and indeed the cluster has 9 replicas" test "$(replicas)" = 9

# ------------------------------------------------------------------ rr
before=$(restarted_at)
run rr-safe "$(rule rr-get-500 GET "$DEPLOY\$" '"action": "respond", "status": 500'),
             $(rule rr-429 PATCH "$DEPLOY\$" '"action": "respond", "status": 429, "retry_after": "1"')" \
  ops rr deploy/app
check "rr, GET answered 500 and PATCH answered 429 with Retry-After: both repeated, exit 0 (exit $(rc_of rr-safe), $(patches_of rr-safe) PATCHes; $(err_of rr-safe))" \
  test "$(rc_of rr-safe)" -eq 0 -a "$(patches_of rr-safe)" -eq 2 -a "$(fault_struck rr-get-500)" -eq 1
after=$(restarted_at)
check "rr: the restart annotation is set ($before -> $after)" test -n "$after" -a "$after" != "$before"

before=$(restarted_at)
sleep 1  # the annotation has second precision: a new restart must differ
run rr-503 "$(rule rr-503 PATCH "$DEPLOY\$" '"action": "respond", "status": 503')" ops rr deploy/app
check "rr, PATCH answered 503 without Retry-After: not repeated, exit 1 (exit $(rc_of rr-503), $(patches_of rr-503) PATCH)" \
  test "$(rc_of rr-503)" -eq 1 -a "$(patches_of rr-503)" -eq 1
check "rr, PATCH answered 503: the deployment was not restarted" test "$(restarted_at)" = "$before"

run rr-reset "$(rule rr-reset PATCH "$DEPLOY\$" '"action": "reset", "when": "request"')" ops rr deploy/app
check "rr, PATCH reset before an answer: not repeated, exit 1 (exit $(rc_of rr-reset), $(patches_of rr-reset) PATCH)" \
  test "$(rc_of rr-reset)" -eq 1 -a "$(patches_of rr-reset)" -eq 1
check "rr, PATCH reset: the error says it may have been applied ($(err_of rr-reset))" \
  grep -q "may have applied it" "$TMP/rr-reset.err"

[[ $FAILED == 0 ]] && echo "all fault-proxy scale and rr checks passed"
exit "$FAILED"
