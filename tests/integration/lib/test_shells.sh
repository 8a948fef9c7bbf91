# shellcheck shell=bash
# zsh and fish for checking orka's completion scripts, without installing either into the
# system: `apt-get download` of Debian's packages, unpacked with `dpkg -x` into a cache folder
# (kept between runs), used from there. A shell already on PATH is used as it is.
#   test_shell NAME   prints a command line that runs NAME (zsh or fish), or fails saying why
TEST_SHELLS_DIR=${ORKA_TEST_SHELLS_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/orka/test-shells}

test_shells_unpack() { # package...
  local root=$TEST_SHELLS_DIR/root work package
  work=$(mktemp -d) || return 1
  # apt's sandbox user cannot write into root's folders: the download runs in a private one.
  chmod 755 "$work"
  for package in "$@"; do
    (cd "$work" && apt-get download -q "$package" >>"$work/apt.log" 2>&1) ||
      { echo "apt-get download $package failed: $(tail -n 1 "$work/apt.log")" >&2; rm -rf "$work"; return 1; }
  done
  mkdir -p "$root"
  for deb in "$work"/*.deb; do dpkg -x "$deb" "$root" || { rm -rf "$work"; return 1; }; done
  rm -rf "$work"
}

test_shell() { # name
  local root=$TEST_SHELLS_DIR/root
  if command -v "$1" >/dev/null; then command -v "$1"; return 0; fi
  case $1 in
    zsh)
      [[ -x $root/bin/zsh ]] || test_shells_unpack zsh || return 1
      echo "$root/bin/zsh" ;;
    fish)
      [[ -x $root/usr/bin/fish ]] || test_shells_unpack fish libpcre2-32-0 || return 1
      echo "env LD_LIBRARY_PATH=$root/usr/lib/x86_64-linux-gnu $root/usr/bin/fish" ;;
    *) echo "no recipe for the shell $1" >&2; return 1 ;;
  esac
}
