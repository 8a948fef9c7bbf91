# shellcheck shell=bash
# host_mirror: this machine's Debian mirror (the first URI of the main archive in its apt
# sources), as a new machine would have it; deb.debian.org when none is configured.
host_mirror() {
  local uri=""
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    uri=$(awk '/^URIs:/ && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  [[ -n $uri ]] || uri=$(awk '$1 == "deb" && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}
