# shellcheck shell=bash
# Debian package installation shared by scripts/install-deps and scripts/cluster. Needs
# fail_loudly.sh sourced first (die).
#
#   missing_packages PKG...      prints, one a line, each PKG that is not installed
#   ensure_packages LOG PKG...   installs the missing ones with apt-get, output to LOG
#
# A brand-new machine may have no package index at all, or one months old: the index is
# refreshed before installing when it is missing or older than a day, and once more when an
# install fails anyway (a package moved on the mirror since the last update).

APT_INDEX_MAX_AGE_SECONDS=86400

missing_packages() {
  local p
  for p in "$@"; do
    # dpkg-query exits non-zero for a package it has never heard of: that is "missing" too.
    if ! dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii'; then
      echo "$p"
    fi
  done
}

apt_index_is_fresh() {
  local newest
  newest=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -printf '%T@\n' 2>/dev/null |
    sort -n | tail -n 1)
  [[ -n $newest ]] && (($(date +%s) - ${newest%.*} < APT_INDEX_MAX_AGE_SECONDS))
}

# Sets AS_ROOT to the command prefix that runs apt-get as root, or dies saying why it can't.
# (Decided before any output is redirected to a log, so the reason reaches the terminal.)
choose_as_root() {
  if [[ $(id -u) == 0 ]]; then
    AS_ROOT=()
  elif command -v sudo >/dev/null 2>&1; then
    AS_ROOT=(sudo)
  else
    die "installing packages needs root: run this as root (no sudo on this machine)"
  fi
}

apt_update() { # log
  "${AS_ROOT[@]}" apt-get update -q >>"$1" 2>&1 ||
    die "apt-get update failed; its output: $1 (last line: $(tail -n 1 "$1"))"
}

ensure_packages() { # log pkg...
  local log=$1; shift
  local missing
  missing=$(missing_packages "$@")
  [[ -n $missing ]] || return 0
  mkdir -p "$(dirname "$log")"
  choose_as_root
  # shellcheck disable=SC2086 # one package name a word
  echo "$ORKA_SCRIPT_NAME: installing packages:" $missing "(log: $log)" >&2
  apt_index_is_fresh || apt_update "$log"
  # shellcheck disable=SC2086
  if ! "${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      $missing >>"$log" 2>&1; then
    apt_update "$log"
    # shellcheck disable=SC2086
    "${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      $missing >>"$log" 2>&1 ||
      die "apt-get install failed; its output: $log (last line: $(tail -n 1 "$log"))"
  fi
  missing=$(missing_packages "$@")
  [[ -z $missing ]] || die "still not installed after apt-get install: $(echo $missing) (see $log)"
}
