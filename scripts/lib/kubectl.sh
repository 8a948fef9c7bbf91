# shellcheck shell=bash
# find_kubectl oldest|newest: prints the kubectl to use. $KUBECTL wins; then the machine's
# versioned builds (/usr/lib/google-cloud-sdk/bin/kubectl.1.NN), the oldest being closest to
# the 1.20 test cluster and the newest what users run; then the one on PATH. Fails (status 1,
# with a message) when there is none: scripts/cluster prepare installs Debian's.
find_kubectl() {
  local which=${1:-oldest} k=""
  if [[ -n ${KUBECTL:-} ]]; then echo "$KUBECTL"; return 0; fi
  if compgen -G '/usr/lib/google-cloud-sdk/bin/kubectl.1.*' >/dev/null; then
    if [[ $which == newest ]]; then
      k=$(printf '%s\n' /usr/lib/google-cloud-sdk/bin/kubectl.1.* | sort -V | tail -n 1)
    else
      k=$(printf '%s\n' /usr/lib/google-cloud-sdk/bin/kubectl.1.* | sort -V | head -n 1)
    fi
  fi
  [[ -n $k ]] || k=$(command -v kubectl || true)
  if [[ -z $k ]]; then
    echo "no kubectl found: set KUBECTL, or run scripts/cluster prepare (installs Debian's)" >&2
    return 1
  fi
  echo "$k"
}
