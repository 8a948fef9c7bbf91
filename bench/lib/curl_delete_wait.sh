#!/usr/bin/env bash
# The raw-client limit of `delete --wait`: curl DELETEs the pod (grace 1 s, what kubectl and
# orka turn 0 into without --force) and watches it from the resourceVersion the DELETE
# answered with until the DELETED event: two requests, no polling.
#   curl_delete_wait.sh API_URL NAMESPACE POD CURL_AUTH_ARGS...
set -uo pipefail
api=$1 ns=$2 pod=$3; shift 3
auth=("$@")

answer=$(curl -sS --fail-with-body --max-time 30 "${auth[@]}" -X DELETE -H 'Content-Type: application/json' \
  --data-binary '{"gracePeriodSeconds":1}' "$api/api/v1/namespaces/$ns/pods/$pod") ||
  { echo "DELETE failed: $answer" >&2; exit 1; }
# The server pretty-prints JSON for a curl user agent: one "key": "value" a line.
rv=$(sed -n 's/.*"resourceVersion": *"\([0-9]*\)".*/\1/p' <<<"$answer" | head -1)
[[ -n $rv ]] || { echo "no resourceVersion in the DELETE answer" >&2; exit 1; }

exec 3< <(exec curl -sSN --max-time 60 "${auth[@]}" \
  "$api/api/v1/namespaces/$ns/pods?watch=1&fieldSelector=metadata.name%3D$pod&resourceVersion=$rv&timeoutSeconds=60")
watcher=$!
grep -m1 -q -E '"type": *"DELETED"' <&3
found=$?
kill "$watcher" 2>/dev/null
exit $found
